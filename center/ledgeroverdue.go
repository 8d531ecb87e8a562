package center

import (
	"context"
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
	return oc.OverdueCases(ctx, scope, sources, svcs, kinds, now, overduePage)
}
