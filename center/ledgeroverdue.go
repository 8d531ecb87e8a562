package center

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fengqiao/app"
)

// OverduePage is the overdue cases of a scope as a store finds them (OverdueCounter): how many
// disputes are past their deadline by site, how many other cases accepted (LedgerRow.Registered)
// by site and service, and the first of the disputes, the most overdue first. A city has tens of
// thousands of overdue cases; these are a few thousand figures.
type OverduePage struct {
	Disputes []LedgerCount // Site and N
	Late     []LedgerCount // Site, Service and N
	First    []LedgerRow
	At       time.Time // when it was found, if reused (overdueMemo); zero: now
}

// OverdueCounter is a store that finds the open cases past their deadline where they are kept,
// so that a city's dashboard counts them there instead of reading every open case.
type OverdueCounter interface {
	// OverdueCases returns the overdue page of the scope's open cases of the sources (every
	// source when empty) as of now, with the deadlines of services (their AcceptDays and
	// HandleDays, as LedgerRow.Deadline reads them) and what is a dispute decided by kinds (a
	// service's late figures count the accepted cases that are not disputes): First holds at
	// most limit disputes, by whole days overdue (most first), then code. ok is false when the
	// store cannot (then read the open cases).
	OverdueCases(ctx context.Context, scope Scope, sources []app.CaseSource, services []app.Service, kinds DisputeKinds,
		now time.Time, limit int) (page OverduePage, ok bool, err error)
}

// Deadlines returns the services of the catalogue with their time limits when every site has
// the same limits for each service; ok is false when sites differ.
func (c Catalogue) Deadlines() (svcs []app.Service, ok bool) {
	return c.uniformServices(func(a, b app.Service) bool {
		return a.AcceptDays == b.AcceptDays && a.HandleDays == b.HandleDays
	})
}

// addOverdue counts the overdue cases the store found: the disputes in OverdueCount and
// OverdueBySite, the first of them in Overdue, the others in their service's late figures.
func (b *LedgerBuilder) addOverdue(p OverduePage) {
	b.l.OverdueBySite = map[int64]int{}
	for _, c := range p.Disputes {
		b.l.OverdueCount += c.N
		b.l.OverdueBySite[c.Site] += c.N
	}
	for _, c := range p.Late {
		if x := b.others[b.cat.SiteService(c.Site, c.Service).Name]; x != nil {
			x.Late += c.N
		}
	}
	for _, r := range p.First {
		b.overdue(r)
	}
	b.l.OverdueAt = p.At
}

// overduePage returns the overdue page of the scope from the store (OverdueCounter) when every
// site of the catalogue has the same disputes and time limits; ok is false otherwise.
func (s *Server) overduePage(ctx context.Context, scope Scope, sources []app.CaseSource, cat Catalogue, now time.Time) (OverduePage, bool, error) {
	oc, ok := s.web.(OverdueCounter)
	kinds, uniform := cat.DisputeKinds()
	svcs, same := cat.Deadlines()
	if !ok || !uniform || !same {
		return OverduePage{}, false, nil
	}
	if s.overdueMemo.fresh == 0 || scope.Site != 0 {
		return oc.OverdueCases(ctx, scope, sources, svcs, kinds, now, overduePage)
	}
	key := fmt.Sprint(scope.Region, sources, kinds, svcs)
	if page, ok := s.overdueMemo.get(key, now); ok {
		return page, true, nil
	}
	gen := s.overdueMemo.generation()
	page, ok, err := oc.OverdueCases(ctx, scope, sources, svcs, kinds, now, overduePage)
	if ok && err == nil {
		s.overdueMemo.put(key, page, now, gen)
	}
	return page, ok, err
}

// DefaultOverdueMemo is how long `fengqiao-center serve` reuses a region's overdue figures.
const DefaultOverdueMemo = 30 * time.Second

// WithOverdueMemo has the server reuse a county's or city's overdue page (the count of its
// overdue cases, by hall, and the most overdue) for up to fresh, unless a user's change through
// this node has finished since: at a city's size finding them reads every open case of the
// region (tens of thousands; docs/performance.md), while deadlines run in days. The dashboard
// then says when they were found. 0, the default, finds them for every page. Only the views by
// region use the page (regionalView): a town's or a hall's view counts its own cases afresh, for
// the staff who work them.
func WithOverdueMemo(fresh time.Duration) Option {
	return func(s *Server) { s.overdueMemo.fresh = fresh }
}

// overdueMemo holds the overdue pages of regions this node found lately (WithOverdueMemo).
type overdueMemo struct {
	fresh time.Duration
	mu    sync.Mutex
	pages map[string]memoPage
	wrote uint64 // how many users' changes through this node have finished
}

type memoPage struct {
	page OverduePage
	now  time.Time // the ledger time it was found for
	gen  uint64    // the users' changes finished when finding it began
}

// memoPages bounds the pages kept: a key is a region, sources and catalogue, a few hundred at most.
const memoPages = 512

// get returns the page of key found for a ledger time within fresh of now, by a search that
// began after the last user change through this node finished.
func (m *overdueMemo) get(key string, now time.Time) (OverduePage, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.pages[key]
	if !ok || e.gen != m.wrote || now.Sub(e.now) >= m.fresh || now.Before(e.now) {
		return OverduePage{}, false
	}
	e.page.At = e.now
	return e.page, true
}

func (m *overdueMemo) put(key string, page OverduePage, now time.Time, gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pages == nil || len(m.pages) >= memoPages {
		m.pages = map[string]memoPage{}
	}
	m.pages[key] = memoPage{page: page, now: now, gen: gen}
}

// generation returns how many users' changes through this node have finished.
func (m *overdueMemo) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.wrote
}

// changed records that a user's change through this node has just finished.
func (m *overdueMemo) changed() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote++
}
