package center

import (
	"cmp"
	"fmt"
	"maps"
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
// service and month, and the open cases past their deadline. Only disputes count (services and
// categories marked 矛盾纠纷 in the catalogue, Catalogue.IsDispute); the other services have
// their own figures in Others.
type Ledger struct {
	Total      Rate
	Open       int
	Rejected   int // 不予受理
	Pending    int // registered at the hall, not yet accepted
	BySite     []Rate
	ByCategory []Rate
	ByService  []Rate
	ByMonth    []Rate // oldest first, by the month the case was opened (YYYY-MM)
	// Overdue are the open disputes past their deadline, the most overdue first: all of them, or
	// only the first when a store found them (OverduePage); OverdueCount counts all, and
	// OverdueBySite by site. OverdueAt is when they were found if not as of the ledger (a
	// county's or city's overdue page reused, WithOverdueMemo).
	Overdue       []Overdue
	OverdueCount  int
	OverdueBySite map[int64]int
	OverdueAt     time.Time
	Others        []ServiceStat // the services and categories that are not disputes, by service
	// The escalated (上报) disputes among the registered, each once by the site that sent it and
	// once by who works it now (Catalogue.OwnerName). BySite counts them under their origin.
	Escalated         Rate
	EscalatedByOrigin []Rate
	EscalatedByOwner  []Rate
	// The registered disputes by how they came in (every source, in app.Sources order) and by
	// grid ("village · big · small"; the cases without a grid are in no row).
	BySource []Rate
	ByGrid   []Rate
}

// ServiceStat are the figures of a service that is not a dispute: its cases accepted, closed,
// still open and past their deadline.
type ServiceStat struct {
	Key, Label                     string
	Registered, Closed, Open, Late int
}

// Catalogue names what the ledger counts: the sites, each site's services as it sent them
// (wire.Catalogue), and the centre's own catalogue for sites that sent none.
type Catalogue struct {
	Sites        map[int64]string
	Services     []app.Service           // the centre's catalogue (default app.DefaultServices)
	SiteServices map[int64][]app.Service // each site's own catalogue
	Location     *time.Location          // for months and dates; UTC if nil
	// LastContact is each site's last push or pull (nil: never), to label the figures with.
	LastContact map[int64]*time.Time
	// Town names who works the escalated cases the centre keeps: the town hall's site
	// (WithTownSite), else the centre.
	Town string
	// Filter names what narrows the figures beyond the scope and period (e.g. 来源：网格排查),
	// for reports' headings; "" for nothing.
	Filter string
}

// OwnerName names who works the row's case now: the hall that opened it, the site the centre
// handed it to, or the town (Town) — the name the 台账 shows as its 站点.
func (c Catalogue) OwnerName(r LedgerRow) string {
	switch {
	case r.Owner != app.OwnerCentre:
		return c.Sites[r.Site]
	case r.WorkerSite != 0 && c.Sites[r.WorkerSite] != "":
		return c.Sites[r.WorkerSite]
	}
	return cmp.Or(c.Town, "镇综治中心")
}

// AsOf labels figures with the oldest last contact of the catalogue's sites, in Chinese: the
// figures are as fresh as that site's; "" without sites.
func (c Catalogue) AsOf() string {
	if len(c.Sites) == 0 {
		return ""
	}
	// Sites never heard from first, then the oldest contact, then the lowest id.
	oldest := slices.MinFunc(slices.Collect(maps.Keys(c.Sites)), func(a, b int64) int {
		ta, tb := c.LastContact[a], c.LastContact[b]
		switch {
		case ta == nil && tb == nil:
			return cmp.Compare(a, b)
		case ta == nil:
			return -1
		case tb == nil:
			return 1
		}
		return cmp.Or(ta.Compare(*tb), cmp.Compare(a, b))
	})
	when := "从未同步"
	if at := c.LastContact[oldest]; at != nil {
		when = at.In(c.loc()).Format("2006-01-02 15:04")
	}
	return "数据来自各站点最近一次同步，最早：" + c.Sites[oldest] + " " + when
}

// UnknownService is the name shown for a service no catalogue names: never its raw code.
const UnknownService = "其他事项"

// Service returns the service with the code from the centre's catalogue, else from the first
// site's that has it; a service no catalogue knows is named UnknownService.
func (c Catalogue) Service(code string) app.Service {
	if s, ok := findService(c.Services, code); ok {
		return s
	}
	for _, id := range slices.Sorted(maps.Keys(c.SiteServices)) {
		if s, ok := findService(c.SiteServices[id], code); ok {
			return s
		}
	}
	return app.Service{Code: code, Name: UnknownService}
}

// SiteService returns the service with the code as the site describes it, else as Service does.
func (c Catalogue) SiteService(site int64, code string) app.Service {
	if s, ok := findService(c.SiteServices[site], code); ok {
		return s
	}
	return c.Service(code)
}

func findService(svcs []app.Service, code string) (app.Service, bool) {
	for _, s := range svcs {
		if s.Code == code {
			return s, true
		}
	}
	return app.Service{}, false
}

// IsDispute reports whether the ledger counts the row: its service, or its category of the
// service, is marked 矛盾纠纷 in the site's catalogue.
func (c Catalogue) IsDispute(r LedgerRow) bool {
	return c.SiteService(r.Site, r.Service).IsDispute(r.Category)
}

func (c Catalogue) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// LedgerFilter selects the ledger's rows: the cases of a scope, of one site of it (Site, 0 for
// all), opened in a period (From inclusive, To exclusive; zero for no bound).
type LedgerFilter struct {
	Scope    Scope
	Site     int64
	From, To time.Time
	Sources  []app.CaseSource // how the cases came in (empty: every source)
}

// BuildLedger counts rows as of now. Every site of the catalogue has its row in BySite, with
// nothing counted if it sent nothing.
func BuildLedger(rows []LedgerRow, cat Catalogue, now time.Time) Ledger {
	b := NewLedgerBuilder(cat, now)
	for _, r := range rows {
		b.Add(r)
	}
	return b.Ledger()
}

// LedgerBuilder counts rows one at a time, for exports that do not hold them all.
type LedgerBuilder struct {
	l                             Ledger
	cat                           Catalogue
	now                           time.Time
	bySite, byCat, bySvc, byMonth map[string]*Rate
	upOrigin, upOwner             map[string]*Rate
	bySource, byGrid              map[string]*Rate
	others                        map[string]*ServiceStat
}

// NewLedgerBuilder returns a builder of the ledger as of now.
func NewLedgerBuilder(cat Catalogue, now time.Time) *LedgerBuilder {
	b := &LedgerBuilder{cat: cat, now: now, bySite: map[string]*Rate{}, byCat: map[string]*Rate{}, bySvc: map[string]*Rate{},
		byMonth: map[string]*Rate{}, upOrigin: map[string]*Rate{}, upOwner: map[string]*Rate{}, others: map[string]*ServiceStat{},
		bySource: map[string]*Rate{}, byGrid: map[string]*Rate{}}
	for _, src := range app.Sources {
		b.bySource[string(src)] = &Rate{Key: string(src), Label: src.Label()}
	}
	b.l.Total.Label, b.l.Escalated.Label = "合计", "上报合计"
	for id, name := range cat.Sites {
		key := fmt.Sprint(id)
		b.bySite[key] = &Rate{Key: key, Label: name}
	}
	return b
}

func addRate(m map[string]*Rate, key, label string, r LedgerRow, n int) {
	x := m[key]
	if x == nil {
		x = &Rate{Key: key, Label: label}
		m[key] = x
	}
	x.Registered += n
	if r.Resolved() {
		x.Resolved += n
	}
}

// Add counts a row.
func (b *LedgerBuilder) Add(r LedgerRow) {
	late := b.overdue(r)
	b.count(r, r.OpenedAt.In(b.cat.loc()).Format("2006-01"), 1, late)
}

// overdue adds the row to Overdue if it is an open dispute past its deadline, and reports whether
// it is past its deadline.
func (b *LedgerBuilder) overdue(r LedgerRow) bool {
	if !r.Open() {
		return false
	}
	svc := b.cat.SiteService(r.Site, r.Service)
	d, ok := r.Deadline(svc)
	late := ok && b.now.After(d)
	if late && svc.IsDispute(r.Category) {
		b.l.Overdue = append(b.l.Overdue, Overdue{LedgerRow: r, SiteName: b.cat.Sites[r.Site], ServiceName: svc.Name,
			Deadline: d, Days: int(b.now.Sub(d).Hours() / 24)})
	}
	return late
}

// count counts n cases like r, opened in month (YYYY-MM; "" leaves ByMonth alone), late if they
// are past their deadline.
func (b *LedgerBuilder) count(r LedgerRow, month string, n int, late bool) {
	svc := b.cat.SiteService(r.Site, r.Service)
	dispute := svc.IsDispute(r.Category)
	b.countKind(r, svc, dispute, n, late)
	if !dispute || !r.Registered() {
		return
	}
	b.countSite(r, n)
	b.countSource(r, n)
	b.countGrid(r, n)
	if month != "" {
		addRate(b.byMonth, month, month, r, n)
	}
	if r.Escalated {
		b.countEscalated(r, n)
	}
}

// countKind counts n cases like r in the totals and by category and service, or in the figures
// of the services that are not disputes.
func (b *LedgerBuilder) countKind(r LedgerRow, svc app.Service, dispute bool, n int, late bool) {
	l := &b.l
	if !dispute {
		countOther(b.others, svc, r, n, late)
		return
	}
	switch r.Status {
	case app.CaseRejected:
		l.Rejected += n
	case app.CaseRegistered:
		l.Pending += n
	}
	if r.Open() {
		l.Open += n
	}
	if !r.Registered() {
		return
	}
	l.Total.Registered += n
	if r.Resolved() {
		l.Total.Resolved += n
	}
	addRate(b.byCat, r.Category, cmp.Or(r.Category, "未分类"), r, n)
	addRate(b.bySvc, r.Service, svc.Name, r, n)
}

// countSite counts n registered disputes like r by site.
func (b *LedgerBuilder) countSite(r LedgerRow, n int) {
	site := fmt.Sprint(r.Site)
	addRate(b.bySite, site, cmp.Or(b.cat.Sites[r.Site], "站点"+site), r, n)
}

// countSource counts n registered disputes like r by source.
func (b *LedgerBuilder) countSource(r LedgerRow, n int) {
	addRate(b.bySource, string(r.Source), r.Source.Label(), r, n)
}

// countGrid counts n registered disputes like r by grid, if they have one.
func (b *LedgerBuilder) countGrid(r LedgerRow, n int) {
	if r.Grid != "" {
		g := cmp.Or(b.cat.Sites[r.Site], fmt.Sprint("站点", r.Site)) + " · " + r.Grid
		addRate(b.byGrid, g, g, r, n)
	}
}

// countEscalated counts n escalated registered disputes like r.
func (b *LedgerBuilder) countEscalated(r LedgerRow, n int) {
	l := &b.l
	l.Escalated.Registered += n
	if r.Resolved() {
		l.Escalated.Resolved += n
	}
	site := fmt.Sprint(r.Site)
	origin := cmp.Or(b.cat.Sites[r.Site], "站点"+site)
	addRate(b.upOrigin, origin, origin, r, n)
	owner := b.cat.OwnerName(r)
	addRate(b.upOwner, owner, owner, r, n)
}

// Ledger returns the ledger of the rows added so far.
func (b *LedgerBuilder) Ledger() Ledger {
	l := b.l
	bySite, byCat, bySvc, byMonth := b.bySite, b.byCat, b.bySvc, b.byMonth
	l.BySite = sortedRates(bySite, func(a, b Rate) int {
		return cmp.Or(cmp.Compare(len(a.Key), len(b.Key)), cmp.Compare(a.Key, b.Key)) // site ids in number order
	})
	byCount := func(a, b Rate) int { return cmp.Or(cmp.Compare(b.Registered, a.Registered), cmp.Compare(a.Key, b.Key)) }
	l.ByCategory = sortedRates(byCat, byCount)
	l.ByService = sortedRates(bySvc, byCount)
	l.ByMonth = sortedRates(byMonth, func(a, b Rate) int { return cmp.Compare(a.Key, b.Key) })
	l.EscalatedByOrigin, l.EscalatedByOwner = sortedRates(b.upOrigin, byCount), sortedRates(b.upOwner, byCount)
	l.BySource = sortedRates(b.bySource, func(a, b Rate) int {
		return cmp.Compare(slices.Index(app.Sources, app.CaseSource(a.Key)), slices.Index(app.Sources, app.CaseSource(b.Key)))
	})
	l.ByGrid = sortedRates(b.byGrid, byCount)
	slices.SortFunc(l.Overdue, func(a, b Overdue) int { return cmp.Or(cmp.Compare(b.Days, a.Days), cmp.Compare(a.Code, b.Code)) })
	l.Overdue = slices.Clone(l.Overdue)
	if l.OverdueBySite == nil {
		l.OverdueCount, l.OverdueBySite = len(l.Overdue), map[int64]int{}
		for _, o := range l.Overdue {
			l.OverdueBySite[o.Site]++
		}
	}
	l.OverdueBySite = maps.Clone(l.OverdueBySite)
	for _, o := range b.others {
		l.Others = append(l.Others, *o)
	}
	slices.SortFunc(l.Others, func(a, b ServiceStat) int {
		return cmp.Or(cmp.Compare(b.Registered, a.Registered), cmp.Compare(a.Key, b.Key))
	})
	return l
}

// countOther counts a case that is not a dispute in its service's figures. A service whose
// categories are partly disputes is counted here for its other categories.
func countOther(m map[string]*ServiceStat, svc app.Service, r LedgerRow, n int, late bool) {
	x := m[svc.Name]
	if x == nil {
		x = &ServiceStat{Key: svc.Name, Label: svc.Name}
		m[svc.Name] = x
	}
	if !r.Registered() {
		return
	}
	x.Registered += n
	switch {
	case r.Status == app.CaseClosed:
		x.Closed += n
	case r.Open():
		x.Open += n
	}
	if late {
		x.Late += n
	}
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
		due = append(due, FollowUp{LedgerRow: r, SiteName: cat.Sites[r.Site], ServiceName: cat.SiteService(r.Site, r.Service).Name,
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
