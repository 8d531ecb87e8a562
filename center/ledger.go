package center

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"fengqiao/app"
)

// Registered reports whether the ledger counts the case as registered (受理): it was accepted,
// that is it reached 受理 or any later stage, and was not refused (不予受理).
func (r LedgerRow) Registered() bool {
	return r.Status != app.CaseRegistered && r.Status != app.CaseRejected && r.Status != ""
}

// Resolved reports whether the case counts as resolved: closed (结案) with result 已化解.
func (r LedgerRow) Resolved() bool {
	return r.Status == app.CaseClosed && r.Result == app.ResultResolved
}

// Open reports whether the case is still in progress.
func (r LedgerRow) Open() bool { return !r.Status.Final() }

// Deadline returns when the open case must be decided (not yet accepted: AcceptDays after it was
// opened) or closed (HandleDays after its acceptance), from the service's configured limits.
// ok is false when the service sets no limit for the case's stage.
func (r LedgerRow) Deadline(svc app.Service) (deadline time.Time, ok bool) {
	switch {
	case r.Status == app.CaseRegistered && svc.AcceptDays > 0:
		return r.OpenedAt.AddDate(0, 0, svc.AcceptDays), true
	case r.Registered() && r.Open() && svc.HandleDays > 0:
		start := r.OpenedAt
		if r.AcceptedAt != nil {
			start = *r.AcceptedAt
		}
		return start.AddDate(0, 0, svc.HandleDays), true
	}
	return time.Time{}, false
}

// Rate is a resolution rate: resolved of registered.
type Rate struct {
	Key        string // what is counted: a site, category, service or month
	Label      string
	Registered int
	Resolved   int
}

// BasisPoints returns the rate in hundredths of a percent, rounded half up: 299 of 324 is 9228.
func (r Rate) BasisPoints() int {
	if r.Registered == 0 {
		return 0
	}
	return (r.Resolved*20000 + r.Registered) / (2 * r.Registered)
}

// Percent returns the rate with two decimals, as 92.28%; "—" when nothing was registered.
func (r Rate) Percent() string {
	if r.Registered == 0 {
		return "—"
	}
	bp := r.BasisPoints()
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// Overdue is an open case past its deadline.
type Overdue struct {
	LedgerRow
	SiteName    string
	ServiceName string
	Deadline    time.Time
	Days        int // whole days past the deadline
}

// Ledger is the dispute ledger (矛盾纠纷台账) of a scope: counts and rates by site, category,
// service and month, and the open cases past their deadline.
type Ledger struct {
	Total      Rate
	Open       int
	Rejected   int // 不予受理
	Pending    int // registered at the hall, not yet accepted
	BySite     []Rate
	ByCategory []Rate
	ByService  []Rate
	ByMonth    []Rate // oldest first, by the month the case was opened (YYYY-MM)
	Overdue    []Overdue
}

// Catalogue names what the ledger counts: the sites and the services with their limits.
type Catalogue struct {
	Sites    map[int64]string
	Services []app.Service
	Location *time.Location // for months and dates; UTC if nil
}

// Service returns the service with the code, or one with the code as its name.
func (c Catalogue) Service(code string) app.Service {
	for _, s := range c.Services {
		if s.Code == code {
			return s
		}
	}
	return app.Service{Code: code, Name: code}
}

func (c Catalogue) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// BuildLedger counts rows as of now.
func BuildLedger(rows []LedgerRow, cat Catalogue, now time.Time) Ledger {
	var l Ledger
	l.Total.Label = "合计"
	bySite, byCat, bySvc, byMonth := map[string]*Rate{}, map[string]*Rate{}, map[string]*Rate{}, map[string]*Rate{}
	add := func(m map[string]*Rate, key, label string, r LedgerRow) {
		x := m[key]
		if x == nil {
			x = &Rate{Key: key, Label: label}
			m[key] = x
		}
		x.Registered++
		if r.Resolved() {
			x.Resolved++
		}
	}
	loc := cat.loc()
	for _, r := range rows {
		switch r.Status {
		case app.CaseRejected:
			l.Rejected++
		case app.CaseRegistered:
			l.Pending++
		}
		if r.Open() {
			l.Open++
			svc := cat.Service(r.Service)
			if d, ok := r.Deadline(svc); ok && now.After(d) {
				l.Overdue = append(l.Overdue, Overdue{LedgerRow: r, SiteName: cat.Sites[r.Site], ServiceName: svc.Name,
					Deadline: d, Days: int(now.Sub(d).Hours() / 24)})
			}
		}
		if !r.Registered() {
			continue
		}
		l.Total.Registered++
		if r.Resolved() {
			l.Total.Resolved++
		}
		site := fmt.Sprint(r.Site)
		add(bySite, site, cmp.Or(cat.Sites[r.Site], site), r)
		add(byCat, r.Category, cmp.Or(r.Category, "未分类"), r)
		add(bySvc, r.Service, cat.Service(r.Service).Name, r)
		m := r.OpenedAt.In(loc).Format("2006-01")
		add(byMonth, m, m, r)
	}
	l.BySite = sortedRates(bySite, func(a, b Rate) int {
		return cmp.Or(cmp.Compare(len(a.Key), len(b.Key)), cmp.Compare(a.Key, b.Key)) // site ids in number order
	})
	byCount := func(a, b Rate) int { return cmp.Or(cmp.Compare(b.Registered, a.Registered), cmp.Compare(a.Key, b.Key)) }
	l.ByCategory = sortedRates(byCat, byCount)
	l.ByService = sortedRates(bySvc, byCount)
	l.ByMonth = sortedRates(byMonth, func(a, b Rate) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(l.Overdue, func(a, b Overdue) int { return cmp.Or(cmp.Compare(b.Days, a.Days), cmp.Compare(a.Code, b.Code)) })
	return l
}

func sortedRates(m map[string]*Rate, less func(a, b Rate) int) []Rate {
	out := make([]Rate, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, less)
	return out
}

// FollowUp is a case whose follow-up (回访) is due: in the 回访 stage, or with a planned follow-up
// date that has come, and no follow-up recorded since.
type FollowUp struct {
	LedgerRow
	SiteName    string
	ServiceName string
	Due         string // YYYY-MM-DD, or "" for a case in the 回访 stage with no date
}

// FollowUps returns the follow-ups due as of now, oldest due first, and how many follow-ups were
// recorded in total.
func FollowUps(rows []LedgerRow, cat Catalogue, now time.Time) (due []FollowUp, done int) {
	today := now.In(cat.loc()).Format(time.DateOnly)
	for _, r := range rows {
		done += r.Follows
		if !r.Open() {
			continue
		}
		planned := r.FollowUpOn != "" && r.FollowUpOn <= today
		if !planned && r.Status != app.CaseFollowUp {
			continue
		}
		if planned && r.LastFollow != nil && r.LastFollow.In(cat.loc()).Format(time.DateOnly) >= r.FollowUpOn {
			continue // followed up on or after the planned date
		}
		if !planned && r.LastFollow != nil {
			continue
		}
		due = append(due, FollowUp{LedgerRow: r, SiteName: cat.Sites[r.Site], ServiceName: cat.Service(r.Service).Name,
			Due: r.FollowUpOn})
	}
	slices.SortFunc(due, func(a, b FollowUp) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.Code, b.Code)) })
	return due, done
}

// MonthRows returns the rows of cases opened in the month (YYYY-MM) in the location.
func MonthRows(rows []LedgerRow, month string, loc *time.Location) []LedgerRow {
	var out []LedgerRow
	for _, r := range rows {
		if r.OpenedAt.In(loc).Format("2006-01") == month {
			out = append(out, r)
		}
	}
	return out
}
