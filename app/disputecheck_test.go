package app

import (
	"strings"
	"testing"
	"time"
)

func TestGridDisputeValid(t *testing.T) {
	ok := GridDispute{Key: "k1", Grid: 3, Service: "mediation", Category: "邻里纠纷", Summary: "排水沟纠纷",
		Risk: RiskGeneral, Parties: []Visitor{{Name: "张三", IDNumber: "330681199001011234"}}, FoundAt: time.Now()}
	ok.Parties[0].IDNumber = ok.Parties[0].IDNumber[:17] + string(IDCheckChar(ok.Parties[0].IDNumber[:17]))
	tests := []struct {
		name  string
		edit  func(d *GridDispute)
		valid bool
	}{
		{"valid", func(*GridDispute) {}, true},
		{"photo", func(d *GridDispute) { d.Photo = []byte{0xFF, 0xD8, 0xFF, 0xDB} }, true},
		{"no key", func(d *GridDispute) { d.Key = "" }, false},
		{"long key", func(d *GridDispute) { d.Key = strings.Repeat("k", MaxDisputeKey+1) }, false},
		{"no grid", func(d *GridDispute) { d.Grid = 0 }, false},
		{"no service", func(d *GridDispute) { d.Service = " " }, false},
		{"no summary", func(d *GridDispute) { d.Summary = "" }, false},
		{"ungraded", func(d *GridDispute) { d.Risk = RiskNone }, false},
		{"no parties", func(d *GridDispute) { d.Parties = nil }, false},
		{"nameless party", func(d *GridDispute) { d.Parties = []Visitor{{Phone: "13800138000"}} }, false},
		{"bad ID", func(d *GridDispute) { d.Parties = []Visitor{{Name: "李四", IDNumber: "123"}} }, false},
		{"bad phone", func(d *GridDispute) { d.Parties = []Visitor{{Name: "李四", Phone: "12"}} }, false},
		{"not a JPEG", func(d *GridDispute) { d.Photo = []byte("GIF89a") }, false},
		{"photo too large", func(d *GridDispute) { d.Photo = append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, MaxDisputePhoto)...) }, false},
		{"control in place", func(d *GridDispute) { d.Place = "3组\x0012号" }, false},
	}
	for _, tc := range tests {
		d := ok
		d.Parties = append([]Visitor(nil), ok.Parties...)
		tc.edit(&d)
		if err := d.Valid(); (err == nil) != tc.valid {
			t.Errorf("%s: Valid() = %v, want valid %v", tc.name, err, tc.valid)
		}
	}
}

func TestCentreAndHallCodesApart(t *testing.T) {
	for range 2000 {
		if c := NewCaseCode(); c[0] == CentreCodePrefix {
			t.Fatalf("hall code %s starts with the centre's prefix", c)
		}
		c := NewCentreCaseCode()
		if c[0] != CentreCodePrefix {
			t.Fatalf("centre code %s lacks the prefix", c)
		}
		if got, err := ParseCaseCode(c); err != nil || got != c {
			t.Fatalf("ParseCaseCode(%s) = %s, %v", c, got, err)
		}
	}
}
