package app

import (
	"fmt"
	"strings"
	"time"
)

// Clock returns the current time. Tests inject a fixed or stepping clock.
type Clock func() time.Time

// Period is a daily opening period in minutes after local midnight, [Start, End).
type Period struct {
	Start, End int
}

// String formats the period as 08:30-12:00.
func (p Period) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", p.Start/60, p.Start%60, p.End/60, p.End%60)
}

// ParsePeriod parses "08:30-12:00".
func ParsePeriod(s string) (Period, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Period{}, fmt.Errorf("opening period %q: want HH:MM-HH:MM", s)
	}
	a, err := ParseClockTime(from)
	if err != nil {
		return Period{}, fmt.Errorf("opening period %q: %w", s, err)
	}
	b, err := ParseClockTime(to)
	if err != nil {
		return Period{}, fmt.Errorf("opening period %q: %w", s, err)
	}
	if b <= a {
		return Period{}, fmt.Errorf("opening period %q: end must be after start", s)
	}
	return Period{Start: a, End: b}, nil
}

// ParseClockTime parses "HH:MM" into minutes after midnight.
func ParseClockTime(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Hours are the hall's opening hours: the same periods on each listed weekday.
type Hours struct {
	Weekdays []time.Weekday
	Periods  []Period
}

// AlwaysOpen are hours with no restriction, for a demo hall.
var AlwaysOpen = Hours{}

// Open reports whether the hall is open at local time t. Hours with no periods are always open.
func (h Hours) Open(t time.Time) bool {
	if len(h.Periods) == 0 {
		return true
	}
	if len(h.Weekdays) > 0 {
		found := false
		for _, d := range h.Weekdays {
			if d == t.Weekday() {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	m := t.Hour()*60 + t.Minute()
	for _, p := range h.Periods {
		if m >= p.Start && m < p.End {
			return true
		}
	}
	return false
}

var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// String describes the hours in Chinese, e.g. 周一至周五 08:30-12:00、13:30-17:30.
func (h Hours) String() string {
	if len(h.Periods) == 0 {
		return "全天"
	}
	var days string
	switch {
	case len(h.Weekdays) == 0 || len(h.Weekdays) == 7:
		days = "每天"
	case isRun(h.Weekdays):
		days = weekdayNames[h.Weekdays[0]] + "至" + weekdayNames[h.Weekdays[len(h.Weekdays)-1]]
	default:
		names := make([]string, len(h.Weekdays))
		for i, d := range h.Weekdays {
			names[i] = weekdayNames[d]
		}
		days = strings.Join(names, "、")
	}
	ps := make([]string, len(h.Periods))
	for i, p := range h.Periods {
		ps[i] = p.String()
	}
	return days + " " + strings.Join(ps, "、")
}

// English describes the hours for logs and API errors, e.g. Mon-Fri 08:30-12:00, 13:30-17:30.
func (h Hours) English() string {
	if len(h.Periods) == 0 {
		return "all day"
	}
	days := "daily"
	if len(h.Weekdays) > 0 && len(h.Weekdays) < 7 {
		names := make([]string, len(h.Weekdays))
		for i, d := range h.Weekdays {
			names[i] = d.String()[:3]
		}
		days = strings.Join(names, ",")
		if isRun(h.Weekdays) {
			days = names[0] + "-" + names[len(names)-1]
		}
	}
	ps := make([]string, len(h.Periods))
	for i, p := range h.Periods {
		ps[i] = p.String()
	}
	return days + " " + strings.Join(ps, ", ")
}

func isRun(days []time.Weekday) bool {
	for i := 1; i < len(days); i++ {
		if days[i] != days[i-1]+1 {
			return false
		}
	}
	return len(days) > 1
}

// BusinessDay returns the business day (YYYY-MM-DD) that instant t belongs to in the hall's time
// zone, where each day starts resetAt minutes after local midnight. Ticket numbers restart with
// each business day.
func BusinessDay(t time.Time, loc *time.Location, resetAt int) string {
	lt := t.In(loc)
	if lt.Hour()*60+lt.Minute() < resetAt {
		lt = lt.AddDate(0, 0, -1)
	}
	return lt.Format(time.DateOnly)
}
