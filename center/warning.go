package center

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"
	"time"

	"fengqiao/app"
)

// Early warning (信息研判): the disputes of the last weeks by village, grid and type with the
// rising ones marked, the visitors seen in several cases, and the disputes with many parties.
// See docs/centre.md, "Early warning".

// Defaults of the early warning page.
const (
	DefaultGroupParties = 5  // parties from which a dispute counts as 群体性 (WithWarning)
	DefaultWarningWeeks = 8  // weeks the page shows without ?weeks=
	MinWarningWeeks     = 5  // this week and the 4 weeks the rising rule compares it with
	MaxWarningWeeks     = 26 // the most weeks the page shows
	RisingMin           = 2  // the fewest disputes in a week that can count as rising
	RisingBase          = 4  // the weeks before this one whose mean the rising rule takes
)

// Rising reports whether the last count (this week's) is rising: at least RisingMin, and at
// least 1.5 times the mean of the RisingBase counts before it. With fewer weeks before it, the
// missing ones count as 0.
func Rising(counts []int) bool {
	n := len(counts)
	if n == 0 || counts[n-1] < RisingMin {
		return false
	}
	sum := 0
	for _, c := range counts[max(n-1-RisingBase, 0) : n-1] {
		sum += c
	}
	// this ≥ 1.5 × sum/RisingBase, in whole numbers.
	return 2*RisingBase*counts[n-1] >= 3*sum
}

// WeekSeries counts the disputes of one village, grid or type week by week, oldest first.
type WeekSeries struct {
	Key, Label string
	Counts     []int
	Rising     bool
}

// This returns this week's count.
func (s WeekSeries) This() int { return s.Counts[len(s.Counts)-1] }

// Warning is what the early warning page shows.
type Warning struct {
	Weeks  []time.Time // the first day of each week (Monday), oldest first; the last is this week
	Total  WeekSeries
	BySite []WeekSeries
	ByGrid []WeekSeries
	ByType []WeekSeries
	Group  []LedgerRow // disputes opened in the period with at least GroupParties parties, newest first
	// GroupParties is the threshold of Group.
	GroupParties int
}

// Rises counts the rising series of the three groupings.
func (w Warning) Rises() int {
	n := 0
	for _, ss := range [][]WeekSeries{w.BySite, w.ByGrid, w.ByType} {
		for _, s := range ss {
			if s.Rising {
				n++
			}
		}
	}
	return n
}

// WeekStart returns the Monday 00:00 of t's week in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// BuildWarning counts the disputes (Catalogue.IsDispute) opened in the weeks ending with now's,
// except those refused (不予受理), by village, grid and type. A case counts once in each grouping
// (a case without a grid in none of the grid rows).
func BuildWarning(rows []LedgerRow, cat Catalogue, now time.Time, weeks, groupParties int) Warning {
	weeks = min(max(weeks, MinWarningWeeks), MaxWarningWeeks)
	loc := cat.loc()
	this := WeekStart(now, loc)
	w := Warning{GroupParties: groupParties, Total: WeekSeries{Key: "total", Label: "合计", Counts: make([]int, weeks)}}
	for i := range weeks {
		w.Weeks = append(w.Weeks, this.AddDate(0, 0, 7*(i-weeks+1)))
	}
	bySite, byGrid, byType := map[string]*WeekSeries{}, map[string]*WeekSeries{}, map[string]*WeekSeries{}
	add := func(m map[string]*WeekSeries, key, label string, week int) {
		s := m[key]
		if s == nil {
			s = &WeekSeries{Key: key, Label: label, Counts: make([]int, weeks)}
			m[key] = s
		}
		s.Counts[week]++
	}
	end := this.AddDate(0, 0, 7)
	var group []*LedgerRow
	for i := range rows {
		r := &rows[i]
		if r.Status == app.CaseRejected || !cat.IsDispute(*r) || r.OpenedAt.Before(w.Weeks[0]) || !r.OpenedAt.Before(end) {
			continue
		}
		start := WeekStart(r.OpenedAt, loc)
		week := slices.IndexFunc(w.Weeks, func(t time.Time) bool { return t.Equal(start) })
		if week < 0 {
			continue
		}
		w.Total.Counts[week]++
		site := cmp.Or(cat.Sites[r.Site], fmt.Sprintf("站点%d", r.Site))
		add(bySite, fmt.Sprint(r.Site), site, week)
		if r.Grid != "" {
			add(byGrid, fmt.Sprint(r.Site)+"/"+r.Grid, site+" · "+r.Grid, week)
		}
		add(byType, r.Category, cmp.Or(r.Category, "未分类"), week)
		if groupParties > 0 && r.Parties >= groupParties {
			group = append(group, &rows[i])
		}
	}
	// Sorted as pointers: a row is large.
	slices.SortFunc(group, func(a, b *LedgerRow) int { return cmp.Or(b.OpenedAt.Compare(a.OpenedAt), cmp.Compare(a.Code, b.Code)) })
	w.Group = make([]LedgerRow, len(group))
	for i, r := range group {
		w.Group[i] = *r
	}
	w.Total.Rising = Rising(w.Total.Counts)
	w.BySite, w.ByGrid, w.ByType = seriesOf(bySite), seriesOf(byGrid), seriesOf(byType)
	return w
}

// seriesOf marks the rising series and orders them: rising first, then by this week's count,
// then by label.
func seriesOf(m map[string]*WeekSeries) []WeekSeries {
	out := make([]WeekSeries, 0, len(m))
	for _, s := range m {
		s.Rising = Rising(s.Counts)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b WeekSeries) int {
		if a.Rising != b.Rising {
			if a.Rising {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.This(), a.This()), strings.Compare(a.Label, b.Label))
	})
	return out
}

// RepeatCase is one case of a repeat visitor, as the store finds them: Visitor numbers the
// visitor (the same number for the cases of the same ID, within one answer); the ID number and
// its hash never leave the store.
type RepeatCase struct {
	Visitor    int
	Code       string
	Site       int64
	Service    string
	Category   string
	Status     app.CaseStatus
	Source     app.CaseSource
	OpenedAt   time.Time
	MaskedName string
	MaskedID   string
}

// RepeatVisitor is a visitor seen in several cases, masked.
type RepeatVisitor struct {
	MaskedName, MaskedID string // from the newest case that still holds them
	Sites                int    // how many sites saw them
	Cases                []RepeatCase
	Latest               time.Time
}

// WarningStore finds repeat visitors; package center/sqlstore implements it.
type WarningStore interface {
	// RepeatCases returns the cases of the scope whose visitor's ID number (matched by its keyed
	// hash, cases.id_hash) appears in at least two cases of the scope, grouped by visitor and in
	// the order they were opened.
	RepeatCases(ctx context.Context, scope Scope) ([]RepeatCase, error)
}

// RepeatVisitors groups repeat cases by visitor, the most recently seen first.
func RepeatVisitors(cases []RepeatCase) []RepeatVisitor {
	var out []RepeatVisitor
	at := map[int]int{}
	sites := map[int]map[int64]bool{}
	for _, c := range cases {
		i, ok := at[c.Visitor]
		if !ok {
			i = len(out)
			at[c.Visitor], sites[c.Visitor] = i, map[int64]bool{}
			out = append(out, RepeatVisitor{})
		}
		v := &out[i]
		v.Cases = append(v.Cases, c)
		sites[c.Visitor][c.Site] = true
		v.Sites = len(sites[c.Visitor])
		if !c.OpenedAt.Before(v.Latest) {
			v.Latest = c.OpenedAt
			v.MaskedName, v.MaskedID = cmp.Or(c.MaskedName, v.MaskedName), cmp.Or(c.MaskedID, v.MaskedID)
		}
	}
	slices.SortStableFunc(out, func(a, b RepeatVisitor) int { return b.Latest.Compare(a.Latest) })
	return out
}

// WeekColumns draws the week's dispute counts as columns, the rising week in red.
func WeekColumns(s WeekSeries, weeks []time.Time, title string) template.HTML {
	peak := max(slices.Max(append([]int{1}, s.Counts...)), 1)
	const left, plotH, top, colW = 34, 140, 16, 44
	w, h := left+colW*len(s.Counts)+8, top+plotH+24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), w, h, w, h)
	for _, f := range []int{0, 1} {
		y := top + plotH - plotH*f
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, y, w-4, y, chartGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="end">%d</text>`, left-4, y+4, tickSize, chartText, peak*f)
	}
	for i, n := range s.Counts {
		x := left + i*colW + 8
		bh := float64(plotH) * float64(n) / float64(peak)
		colour := chartBar
		if i == len(s.Counts)-1 && s.Rising {
			colour = chartBad
		}
		label := weeks[i].Format("1/2")
		fmt.Fprintf(&b, `<g><title>%s起一周 %d 件</title>`, weeks[i].Format("2006-01-02"), n)
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="28" height="%.1f" rx="2" fill="%s"/>`, x, float64(top+plotH)-bh, bh, colour)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="%d" fill="%s" text-anchor="middle">%d</text>`, x+14,
			max(float64(top+plotH)-bh-3, float64(top)-4), smallSize, chartText, n)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="middle">%s</text></g>`, x+14, top+plotH+16,
			tickSize, chartText, label)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
