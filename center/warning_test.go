package center_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// TestRising pins the rising rule at its edges: this week at least 2, and at least 1.5 times the
// mean of the 4 weeks before.
func TestRising(t *testing.T) {
	for _, tt := range []struct {
		counts []int // oldest first, this week last
		want   bool
	}{
		{[]int{0, 0, 0, 0, 1}, false},   // below the minimum of 2
		{[]int{0, 0, 0, 0, 2}, true},    // the minimum, from nothing
		{[]int{1, 1, 1, 1, 2}, true},    // 2 ≥ 1.5 × 1
		{[]int{2, 2, 2, 2, 3}, true},    // 3 = 1.5 × 2 exactly
		{[]int{2, 2, 2, 3, 3}, false},   // 3 < 1.5 × 2.25
		{[]int{4, 0, 0, 0, 2}, true},    // 2 ≥ 1.5 × 1
		{[]int{4, 2, 0, 0, 2}, false},   // 2 < 1.5 × 1.5
		{[]int{9, 0, 0, 0, 0, 2}, true}, // the week 5 weeks back is not in the base
		{[]int{6, 6, 6, 6, 9}, true},    // 9 = 1.5 × 6
		{[]int{6, 6, 6, 6, 8}, false},
		{[]int{2}, true}, // no weeks before: they count as 0
		{nil, false},
	} {
		if got := center.Rising(tt.counts); got != tt.want {
			t.Errorf("Rising(%v) = %v, want %v", tt.counts, got, tt.want)
		}
	}
}

// TestBuildWarning counts disputes by week, village, grid and type, leaves out the refused and
// the services that are not disputes, marks the rising series and lists the 群体性 disputes.
func TestBuildWarning(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, loc) // a Wednesday
	monday := time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	cat := center.Catalogue{Sites: map[int64]string{1: "枫源村", 2: "栎桥村"}, Services: app.DefaultServices(), Location: loc}
	var rows []center.LedgerRow
	add := func(site int64, weeksAgo int, category, grid string, parties int, status app.CaseStatus, service string) {
		rows = append(rows, center.LedgerRow{Code: fmt.Sprint(len(rows)), Site: site, Service: service, Category: category,
			Status: status, OpenedAt: monday.AddDate(0, 0, -7*weeksAgo).Add(time.Hour), Grid: grid, Parties: parties})
	}
	// 枫源村 一组: 1 a week for 4 weeks, then 3 this week (rising); 栎桥村: 2 a week throughout.
	for w := 1; w <= 4; w++ {
		add(1, w, "邻里纠纷", "第一网格 · 一组", 1, app.CaseAccepted, "mediation")
		add(2, w, "婚姻家庭纠纷", "", 1, app.CaseClosed, "mediation")
		add(2, w, "婚姻家庭纠纷", "", 1, app.CaseClosed, "mediation")
	}
	for range 3 {
		add(1, 0, "邻里纠纷", "第一网格 · 一组", 1, app.CaseRegistered, "mediation")
	}
	add(2, 0, "土地纠纷", "", 7, app.CaseAccepted, "mediation")
	add(2, 0, "婚姻家庭纠纷", "", 1, app.CaseAccepted, "mediation")
	add(1, 0, "邻里纠纷", "", 9, app.CaseRejected, "mediation")        // refused: not counted
	add(1, 0, "", "", 1, app.CaseAccepted, "legal")                // not a dispute
	add(1, 8, "邻里纠纷", "第一网格 · 一组", 1, app.CaseClosed, "mediation") // before the period
	w := center.BuildWarning(rows, cat, now, 6, 5)

	if len(w.Weeks) != 6 || !w.Weeks[5].Equal(monday) || !w.Weeks[0].Equal(monday.AddDate(0, 0, -35)) {
		t.Fatalf("weeks %v", w.Weeks)
	}
	if want := []int{0, 3, 3, 3, 3, 5}; !slices.Equal(w.Total.Counts, want) {
		t.Errorf("total %v, want %v", w.Total.Counts, want)
	}
	type series struct {
		label  string
		counts []int
		rising bool
	}
	flat := func(ss []center.WeekSeries) []series {
		var out []series
		for _, s := range ss {
			out = append(out, series{s.Label, s.Counts, s.Rising})
		}
		return out
	}
	for _, tt := range []struct {
		name string
		got  []center.WeekSeries
		want []series
	}{
		{"by village", w.BySite, []series{{"枫源村", []int{0, 1, 1, 1, 1, 3}, true}, {"栎桥村", []int{0, 2, 2, 2, 2, 2}, false}}},
		{"by grid", w.ByGrid, []series{{"枫源村 · 第一网格 · 一组", []int{0, 1, 1, 1, 1, 3}, true}}},
		{"by type", w.ByType, []series{{"邻里纠纷", []int{0, 1, 1, 1, 1, 3}, true}, {"土地纠纷", []int{0, 0, 0, 0, 0, 1}, false},
			{"婚姻家庭纠纷", []int{0, 2, 2, 2, 2, 1}, false}}},
	} {
		got := flat(tt.got)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
		}
	}
	if w.Rises() != 3 {
		t.Errorf("%d rising series, want 3", w.Rises())
	}
	if len(w.Group) != 1 || w.Group[0].Parties != 7 {
		t.Errorf("群体性 %+v, want the 土地纠纷 of 7 parties alone", w.Group)
	}
}

// TestRepeatVisitors groups the store's cases by visitor, the latest first, with the masked
// identity of the newest case that still holds one.
func TestRepeatVisitors(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	got := center.RepeatVisitors([]center.RepeatCase{
		{Visitor: 1, Code: "A", Site: 1, OpenedAt: at(1), MaskedName: "张*丰", MaskedID: "3306**1"},
		{Visitor: 1, Code: "B", Site: 2, OpenedAt: at(3)}, // stripped by retention
		{Visitor: 2, Code: "C", Site: 1, OpenedAt: at(5), MaskedName: "李*", MaskedID: "3306**2"},
		{Visitor: 2, Code: "D", Site: 1, OpenedAt: at(6), MaskedName: "李*", MaskedID: "3306**2"},
	})
	if len(got) != 2 || got[0].Cases[0].Code != "C" || got[0].Sites != 1 || got[1].Sites != 2 ||
		got[1].MaskedName != "张*丰" || got[1].MaskedID != "3306**1" || len(got[1].Cases) != 2 {
		t.Errorf("repeat visitors %+v", got)
	}
}

// BenchmarkBuildWarning counts 100,000 cases of 300 sites over 26 weeks.
func BenchmarkBuildWarning(b *testing.B) {
	cat := center.Catalogue{Sites: map[int64]string{}, Services: app.DefaultServices(), Location: time.UTC}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	rows := make([]center.LedgerRow, 100_000)
	for i := range rows {
		site := int64(i%300 + 1)
		cat.Sites[site] = fmt.Sprint("村", site)
		rows[i] = center.LedgerRow{Code: fmt.Sprint(i), Site: site, Service: "mediation", Category: fmt.Sprint("类", i%12),
			Status: app.CaseAccepted, OpenedAt: now.Add(-time.Duration(i%(200*24)) * time.Hour), Grid: fmt.Sprint("网格", i%5),
			Parties: 1 + i%7}
	}
	for b.Loop() {
		center.BuildWarning(rows, cat, now, center.MaxWarningWeeks, center.DefaultGroupParties)
	}
}
