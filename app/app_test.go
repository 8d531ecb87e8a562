package app

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseIDNumber(t *testing.T) {
	valid := "11010519491231002X" // the standard's published example
	tests := []struct {
		in     string
		err    error
		birth  string
		female bool
	}{
		{valid, nil, "1949-12-31", true},
		{strings.ToLower(valid), nil, "1949-12-31", true},
		{" " + valid + " ", nil, "1949-12-31", true},
		{"110105194912310021", ErrIDCheckDigit, "", false},
		{"11010519491231002", ErrIDLength, "", false},
		{"1101051949123100AX", ErrIDCharacters, "", false},
		{"110105194913310028", ErrIDBirthDate, "", false},
		{"", ErrIDLength, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, err := ParseIDNumber(tt.in)
			if err != tt.err {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if got := id.Birth.Format(time.DateOnly); got != tt.birth || id.Female != tt.female {
				t.Errorf("birth %s female %v, want %s %v", got, id.Female, tt.birth, tt.female)
			}
			if s := fmt.Sprint(id) + fmt.Sprintf("%#v", id); strings.Contains(s, "19491231") {
				t.Errorf("printing an IDNumber reveals it: %s", s)
			}
		})
	}
}

func TestAgeOn(t *testing.T) {
	id, _ := ParseIDNumber("11010519491231002X")
	tests := []struct {
		day  string
		want int
	}{{"2019-12-30", 69}, {"2019-12-31", 70}, {"2026-11-27", 76}}
	for _, tt := range tests {
		d, _ := time.Parse(time.DateOnly, tt.day)
		if got := id.AgeOn(d); got != tt.want {
			t.Errorf("age on %s = %d, want %d", tt.day, got, tt.want)
		}
	}
}

func TestMasks(t *testing.T) {
	tests := []struct{ got, want string }{
		{MaskName("张三丰"), "张*丰"},
		{MaskName("张三"), "张*"},
		{MaskName("欧阳娜娜"), "欧**娜"},
		{MaskName("王"), "*"},
		{MaskName(""), ""},
		{MaskIDNumber("330681198001011234"), "330681********1234"},
		{MaskIDNumber("12345"), "****5"},
		{MaskPhone("13812345678"), "138****5678"},
		{MaskPhone("123"), "***"},
		{MaskAddress("浙江省诸暨市枫桥镇枫溪路1号"), "浙江省诸暨市****"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCaseCode(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCaseCode()
		if len(c) != 24 || strings.Count(c, "-") != 4 {
			t.Fatalf("code %q is not five groups of four", c)
		}
		if seen[c] {
			t.Fatalf("code %s generated twice", c)
		}
		seen[c] = true
		got, err := ParseCaseCode(c)
		if err != nil || got != c {
			t.Fatalf("ParseCaseCode(%s) = %s, %v", c, got, err)
		}
	}
	c := NewCaseCode()
	variants := []string{
		strings.ToLower(c),
		strings.ReplaceAll(c, "-", ""),
		strings.ReplaceAll(c, "-", " "),
		"https://zz.example.gov.cn/t/" + c,
		strings.NewReplacer("0", "O", "1", "I").Replace(c),
	}
	for _, v := range variants {
		if got, err := ParseCaseCode(v); err != nil || got != c {
			t.Errorf("ParseCaseCode(%q) = %q, %v; want %s", v, got, err, c)
		}
	}
	// Every single-symbol typo is caught by the check symbol.
	raw := strings.ReplaceAll(c, "-", "")
	for i := 0; i < len(raw); i++ {
		for _, r := range crockford {
			if byte(r) == raw[i] {
				continue
			}
			typo := raw[:i] + string(r) + raw[i+1:]
			if _, err := ParseCaseCode(typo); err == nil {
				t.Fatalf("typo %s at %d accepted", typo, i)
			}
		}
	}
	for _, bad := range []string{"", "ABC", raw + "0", "UUUU-UUUU-UUUU-UUUU-UUUU", "张三"} {
		if _, err := ParseCaseCode(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseCaseCode(%q) err = %v, want invalid", bad, err)
		}
	}
}

func TestPickNext(t *testing.T) {
	n := Ticket{Label: "N"}
	p := Ticket{Label: "P", Priority: PriorityElderly}
	tests := []struct {
		name       string
		waiting    []Ticket
		streak     int
		max        int
		wantLabel  string
		wantStreak int
	}{
		{"empty", nil, 0, 2, "", 0},
		{"only normal", []Ticket{n}, 1, 2, "N", 0},
		{"priority first", []Ticket{n, p}, 0, 2, "P", 1},
		{"second priority in a row", []Ticket{n, p}, 1, 2, "P", 2},
		{"normal's turn after two", []Ticket{n, p}, 2, 2, "N", 0},
		{"only priority: nobody passed over", []Ticket{p}, 2, 2, "P", 0},
		{"normal joins after priority-only calls", []Ticket{p, n}, 0, 2, "P", 1},
		{"priority off: arrival order", []Ticket{n, p}, 0, 0, "N", 0},
		{"priority off: priority arrived first", []Ticket{p, n}, 0, 0, "P", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, s := PickNext(tt.waiting, tt.streak, tt.max)
			got := ""
			if i >= 0 {
				got = tt.waiting[i].Label
			}
			if got != tt.wantLabel || s != tt.wantStreak {
				t.Errorf("picked %q streak %d, want %q streak %d", got, s, tt.wantLabel, tt.wantStreak)
			}
		})
	}
}

func TestBusinessDayAndHours(t *testing.T) {
	loc := DefaultRules().Location
	tests := []struct {
		at    time.Time
		reset int
		want  string
	}{
		{time.Date(2026, 11, 27, 23, 59, 59, 0, loc), 0, "2026-11-27"},
		{time.Date(2026, 11, 28, 0, 0, 0, 0, loc), 0, "2026-11-28"},
		{time.Date(2026, 11, 28, 2, 0, 0, 0, loc), 180, "2026-11-27"},
		{time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC), 0, "2026-11-28"}, // 00:30 in Shanghai
	}
	for _, tt := range tests {
		if got := BusinessDay(tt.at, loc, tt.reset); got != tt.want {
			t.Errorf("BusinessDay(%v, %d) = %s, want %s", tt.at, tt.reset, got, tt.want)
		}
	}
	am, _ := ParsePeriod("08:30-12:00")
	pm, _ := ParsePeriod("13:30-17:30")
	h := Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []Period{am, pm}}
	if h.String() != "周一至周五 08:30-12:00、13:30-17:30" {
		t.Errorf("hours in Chinese: %s", h)
	}
	if h.English() != "Mon-Fri 08:30-12:00, 13:30-17:30" {
		t.Errorf("hours in English: %s", h.English())
	}
	for _, bad := range []string{"8-12", "12:00-08:00", "08:30"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

func TestCaseApply(t *testing.T) {
	base := Case{Status: CaseRegistered, Owner: OwnerHall}
	if _, err := base.Apply(CaseChange{Status: CaseAccepted}, OwnerCentre); ErrorCode(err) != ENOTOWNER {
		t.Errorf("centre changing a hall case: %v", err)
	}
	// Every pair of statuses: allowed exactly when the lifecycle lists it.
	all := append([]CaseStatus{CaseRejected}, CaseStatuses...)
	for _, from := range all {
		for _, to := range all {
			c := Case{Status: from, Owner: OwnerHall}
			ch := CaseChange{Status: to, Unit: "司法所", Level: "人民调解", Handling: HandlingMediation, Result: ResultResolved}
			_, err := c.Apply(ch, OwnerHall)
			if CanMove(from, to) != (err == nil) {
				t.Errorf("%s → %s: err = %v, allowed = %v", from, to, err, CanMove(from, to))
			}
		}
	}
	if _, err := (Case{Status: CaseHandling, Owner: OwnerHall}).Apply(CaseChange{Status: CaseClosed, Result: "maybe"}, OwnerHall); ErrorCode(err) != EINVALID {
		t.Errorf("bad result: %v", err)
	}
	if _, err := (Case{Status: CaseAccepted, Owner: OwnerHall}).Apply(CaseChange{Status: CaseClosed, Result: ResultResolved, FollowUpOn: "tomorrow"}, OwnerHall); ErrorCode(err) != EINVALID {
		t.Errorf("bad follow-up date: %v", err)
	}
}

func TestBusDropsSlowSubscriber(t *testing.T) {
	var b Bus
	slow, _ := b.Subscribe()
	fast, cancel := b.Subscribe()
	defer cancel()
	go func() {
		for range fast {
		}
	}()
	for i := 0; i < subscriberBuffer+10; i++ {
		b.Publish(Event{ID: int64(i)})
	}
	n := 0
	for range slow {
		n++
	}
	if n != subscriberBuffer {
		t.Errorf("slow subscriber got %d events before being dropped, want %d", n, subscriberBuffer)
	}
}
