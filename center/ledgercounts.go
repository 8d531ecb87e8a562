package center

import (
	"context"
	"maps"
	"slices"
	"time"

	"fengqiao/app"
)

// LedgerCount is a number of cases that the ledger counts alike: of one site, service, category,
// status, result, escalation, owner, source and grid, opened in one month (or in any, Month "").
type LedgerCount struct {
	Site       int64 // 0 when counted over all sites
	Month      string
	Service    string
	Category   string
	Status     app.CaseStatus
	Result     app.CaseResult
	Escalated  bool
	Owner      app.Owner
	WorkerSite int64
	Source     app.CaseSource
	Grid       string // the grid's name as LedgerRow.Grid
	N          int
}

func (c LedgerCount) row() LedgerRow {
	return LedgerRow{Site: c.Site, Service: c.Service, Category: c.Category, Status: c.Status, Result: c.Result,
		Escalated: c.Escalated, Owner: c.Owner, WorkerSite: c.WorkerSite, Source: c.Source, Grid: c.Grid}
}

// LedgerCounter is a store that keeps the ledger's counts up to date as cases change, so that the
// ledger of a city reads a few thousand counts instead of every case. Each method reads the
// cases of the sources only (of every source when sources is empty).
type LedgerCounter interface {
	// LedgerCounts returns the counts of the scope's cases over all months.
	LedgerCounts(ctx context.Context, scope Scope, sources []app.CaseSource) ([]LedgerCount, error)
	// LedgerMonths returns the counts of the scope's cases by month, over all sites (Site 0)
	// unless bySite, and over all sources and grids.
	LedgerMonths(ctx context.Context, scope Scope, sources []app.CaseSource, bySite bool) ([]LedgerCount, error)
	// LedgerOffset returns the UTC offset in seconds of the months of the counts.
	LedgerOffset(ctx context.Context) (int, error)
	// LedgerSums returns the counts of the scope's cases summed by each LedgerDim, with what is a
	// dispute decided by kinds; ok is false when the store cannot (then use LedgerCounts).
	LedgerSums(ctx context.Context, scope Scope, sources []app.CaseSource, kinds DisputeKinds) (sums []LedgerSum, ok bool, err error)
	// OpenCases returns the scope's open cases with what their deadlines need (LedgerRow.Deadline)
	// and what the list of overdue cases shows.
	OpenCases(ctx context.Context, scope Scope, sources []app.CaseSource) ([]LedgerRow, error)
}

// LedgerDim is what a LedgerSum sums by, besides status and result.
type LedgerDim int

// The sums of LedgerCounter.LedgerSums.
const (
	ByKind       LedgerDim = iota // service and category
	BySite                        // site
	ByMonth                       // month
	ByEscalation                  // escalation, site and owner
	BySource                      // source
	ByGrid                        // site and grid
)

// LedgerSum is a count summed by one LedgerDim: the fields of the others are zero.
type LedgerSum struct {
	LedgerCount
	By      LedgerDim
	Dispute bool
}

// DisputeKinds is what is a dispute, for a store to decide: whole services, and categories of
// services ("service/category").
type DisputeKinds struct {
	Services   []string
	Categories []string
}

// DisputeKinds returns what is a dispute at every site of the catalogue, when that is the same
// at all of them (same services, names and dispute marks); ok is false when sites differ.
func (c Catalogue) DisputeKinds() (k DisputeKinds, ok bool) {
	refs, ok := c.uniformServices(func(a, b app.Service) bool {
		return a.Name == b.Name && a.Dispute == b.Dispute && slices.Equal(a.DisputeCategories, b.DisputeCategories)
	})
	if !ok {
		return k, false
	}
	for _, ref := range refs {
		if ref.Dispute {
			k.Services = append(k.Services, ref.Code)
			continue
		}
		for _, cat := range ref.DisputeCategories {
			k.Categories = append(k.Categories, ref.Code+"/"+cat)
		}
	}
	return k, true
}

// uniformServices returns every service of the catalogue (the centre's and the sites' own), in
// code order, as the centre's catalogue has it, when same holds between that and each site's
// service of the code; ok is false when a site differs.
func (c Catalogue) uniformServices(same func(a, b app.Service) bool) (refs []app.Service, ok bool) {
	codes := map[string]bool{}
	for _, s := range c.Services {
		codes[s.Code] = true
	}
	for _, list := range c.SiteServices {
		for _, s := range list {
			codes[s.Code] = true
		}
	}
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		ref := c.SiteService(0, code)
		for site := range c.Sites {
			if !same(c.SiteService(site, code), ref) {
				return nil, false
			}
		}
		refs = append(refs, ref)
	}
	return refs, true
}

// BuildSummedLedger builds the ledger as of now from sums (LedgerCounter.LedgerSums) and the
// open cases: the same ledger as BuildLedger of every row.
func BuildSummedLedger(sums []LedgerSum, open []LedgerRow, cat Catalogue, now time.Time) Ledger {
	b := NewLedgerBuilder(cat, now)
	for _, s := range sums {
		b.addSum(s)
	}
	b.addOpen(open)
	return b.Ledger()
}

// addSum counts a sum by its dimension.
func (b *LedgerBuilder) addSum(s LedgerSum) {
	r := s.row()
	switch {
	case s.By == ByKind:
		b.countKind(r, b.cat.SiteService(0, r.Service), s.Dispute, s.N, false)
	case !s.Dispute || !r.Registered():
	case s.By == BySite:
		b.countSite(r, s.N)
	case s.By == ByMonth:
		addRate(b.byMonth, s.Month, s.Month, r, s.N)
	case s.By == ByEscalation && r.Escalated:
		b.countEscalated(r, s.N)
	case s.By == BySource:
		b.countSource(r, s.N)
	case s.By == ByGrid:
		b.countGrid(r, s.N)
	}
}

// addOpen adds the overdue ones of the open cases, and counts the late ones that are not
// disputes in their service's figures.
func (b *LedgerBuilder) addOpen(open []LedgerRow) {
	for _, r := range open {
		svc := b.cat.SiteService(r.Site, r.Service)
		if x := b.others[svc.Name]; b.overdue(r) && x != nil && !svc.IsDispute(r.Category) && r.Registered() {
			x.Late++
		}
	}
}

// BuildCountedLedger builds the ledger as of now from counts (over all months), months (by
// month) and the open cases, which give the overdue cases: the same ledger as BuildLedger of
// every row.
func BuildCountedLedger(counts, months []LedgerCount, open []LedgerRow, cat Catalogue, now time.Time) Ledger {
	b := NewLedgerBuilder(cat, now)
	for _, c := range counts {
		b.count(c.row(), "", c.N, false)
	}
	for _, m := range months {
		r := m.row()
		if r.Registered() && cat.SiteService(r.Site, r.Service).IsDispute(r.Category) {
			addRate(b.byMonth, m.Month, m.Month, r, m.N)
		}
	}
	b.addOpen(open)
	return b.Ledger()
}

// UniformDisputes reports whether every service and category of the counts is a dispute, or is
// not, alike at every site and by the centre's catalogue (Site 0): then the months can be
// counted over all sites.
func UniformDisputes(counts []LedgerCount, cat Catalogue) bool {
	type kind struct{ service, category string }
	seen := map[kind]bool{}
	for _, c := range counts {
		k := kind{c.Service, c.Category}
		d := cat.SiteService(c.Site, c.Service).IsDispute(c.Category)
		if _, ok := seen[k]; !ok {
			seen[k] = cat.SiteService(0, c.Service).IsDispute(c.Category)
		}
		if seen[k] != d {
			return false
		}
	}
	return true
}

// counter returns the store as a LedgerCounter when it keeps counts in the months of the centre's
// time zone as of now.
func (s *Server) counter(ctx context.Context, now time.Time) (LedgerCounter, bool, error) {
	lc, ok := s.web.(LedgerCounter)
	if !ok {
		return nil, false, nil
	}
	off, err := lc.LedgerOffset(ctx)
	if err != nil {
		return nil, false, err
	}
	_, cur := now.In(s.loc).Zone()
	return lc, off == cur, nil
}

// RegionCounter is a store that keeps the ledger's counts summed by region as well, so that a
// county's or a city's ledger reads a few thousand sums whatever its halls and cases.
type RegionCounter interface {
	// RegionCounts returns the counts of the cases of the sources (every source when empty) of
	// the region's halls (region 0: every hall) by month, service, category, status, result
	// and source, with Site 0; and those of each region just below it (the top regions, for
	// region 0) by service, category, status and result, with the region's id in Site. ok is
	// false when the store keeps no such sums.
	RegionCounts(ctx context.Context, region int64, sources []app.CaseSource) (own, below []LedgerCount, ok bool, err error)
}

// regionLedger returns the catalogue of the scope and the ledger of a view of regions (of the
// region, 0 for every hall) from the store's sums by region (RegionCounter), with the figures
// of each region below it by id; ok is false when the store keeps no such sums or the halls'
// disputes differ (then use ledger). The ledger has no figures by hall, grid or escalation.
func (s *Server) regionLedger(ctx context.Context, region int64, scope Scope, sources []app.CaseSource, now time.Time) (cat Catalogue, l Ledger, below map[int64]Rate, ok bool, err error) {
	rc, ok := s.web.(RegionCounter)
	lc, inZone, err := s.counter(ctx, now)
	if !ok || !inZone || err != nil {
		return cat, l, nil, false, err
	}
	if cat, err = s.loadCatalogue(ctx); err != nil {
		return cat, l, nil, false, err
	}
	maps.DeleteFunc(cat.Sites, func(id int64, _ string) bool { return !scope.Allows(id) })
	if _, ok := cat.DisputeKinds(); !ok {
		return cat, l, nil, false, nil
	}
	own, counts, ok, err := rc.RegionCounts(ctx, region, sources)
	if !ok || err != nil {
		return cat, l, nil, false, err
	}
	page, paged, err := s.overduePage(ctx, scope, sources, cat, now)
	var open []LedgerRow
	if err == nil && !paged {
		open, err = lc.OpenCases(ctx, scope, sources)
	}
	if err != nil {
		return cat, l, nil, false, err
	}
	if paged {
		return cat, BuildRegionLedger(own, nil, &page, cat, now), RegionRates(counts, cat), true, nil
	}
	return cat, BuildRegionLedger(own, open, nil, cat, now), RegionRates(counts, cat), true, nil
}

// BuildRegionLedger builds the ledger as of now of a region from its counts by month, service,
// category, status, result and source (RegionCounter) and its open cases, or the overdue page
// of them when not nil, with what is a dispute decided by the centre's catalogue (the halls'
// being the same, Catalogue.DisputeKinds): the ledger of every row but for the figures by hall,
// grid and escalation (and all but the first overdue cases, with a page).
func BuildRegionLedger(counts []LedgerCount, open []LedgerRow, page *OverduePage, cat Catalogue, now time.Time) Ledger {
	b := NewLedgerBuilder(cat, now)
	for _, c := range counts {
		for _, by := range []LedgerDim{ByKind, ByMonth, BySource} {
			b.addSum(LedgerSum{LedgerCount: c, By: by, Dispute: cat.SiteService(0, c.Service).IsDispute(c.Category)})
		}
	}
	if page != nil {
		b.addOverdue(*page)
	} else {
		b.addOpen(open)
	}
	return b.Ledger()
}

// RegionRates returns the registered and resolved disputes of the counts by region (the counts'
// Site, as RegionCounter gives the regions below).
func RegionRates(counts []LedgerCount, cat Catalogue) map[int64]Rate {
	out := map[int64]Rate{}
	for _, c := range counts {
		if r := c.row(); r.Registered() && cat.SiteService(0, c.Service).IsDispute(c.Category) {
			x := out[c.Site]
			x.Registered += c.N
			if r.Resolved() {
				x.Resolved += c.N
			}
			out[c.Site] = x
		}
	}
	return out
}

// ledger returns the catalogue of the visitor's scope and its ledger as of now: from the store's
// counts when it keeps them (LedgerCounter) in the months of the centre's time zone, else from
// every row.
func (s *Server) ledger(ctx context.Context, scope Scope, sources []app.CaseSource, now time.Time) (Catalogue, Ledger, error) {
	lc, ok, err := s.counter(ctx, now)
	if err != nil {
		return Catalogue{}, Ledger{}, err
	}
	if !ok {
		cat, rows, err := s.ledgerRows(ctx, scope)
		return cat, BuildLedger(FilterSources(rows, sources), cat, now), err
	}
	cat, err := s.loadCatalogue(ctx)
	if err != nil {
		return cat, Ledger{}, err
	}
	maps.DeleteFunc(cat.Sites, func(id int64, _ string) bool { return !scope.Allows(id) })
	open, err := lc.OpenCases(ctx, scope, sources)
	if err != nil {
		return cat, Ledger{}, err
	}
	if kinds, ok := cat.DisputeKinds(); ok {
		sums, ok, err := lc.LedgerSums(ctx, scope, sources, kinds)
		if err != nil || ok {
			return cat, BuildSummedLedger(sums, open, cat, now), err
		}
	}
	counts, err := lc.LedgerCounts(ctx, scope, sources)
	if err != nil {
		return cat, Ledger{}, err
	}
	months, err := lc.LedgerMonths(ctx, scope, sources, !UniformDisputes(counts, cat))
	return cat, BuildCountedLedger(counts, months, open, cat, now), err
}
