package center

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"fengqiao/app"
)

// Waiting is an escalated case in the inbox (上报待受理), with how long it has waited.
type Waiting struct {
	CaseListRow
	Age time.Duration
}

// AgeLabel shows the wait in days and hours.
func (w Waiting) AgeLabel() string {
	d := int(w.Age.Hours()) / 24
	h := int(w.Age.Hours()) % 24
	switch {
	case d > 0:
		return strconv.Itoa(d) + "天" + strconv.Itoa(h) + "小时"
	case h > 0:
		return strconv.Itoa(h) + "小时"
	}
	return strconv.Itoa(max(int(w.Age.Minutes()), 0)) + "分钟"
}

// EscalationCount is how many escalated cases one site sent or works, and how many of them are
// resolved.
type EscalationCount struct {
	Name     string
	Cases    int
	Open     int
	Resolved int
}

type escalationsPage struct {
	page
	Inbox    []Waiting
	ByOrigin []EscalationCount
	ByOwner  []EscalationCount
	Total    int
	Town     string
}

// escalationsPage serves the escalation inbox and the escalated cases by origin and by current
// owner. Each escalated case is counted once in each table: totals match the ledger's.
func (s *Server) escalationsPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	sum, err := s.web.Escalations(ctx, v.User.Scope())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	sites, err := s.web.Sites(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := escalationsPage{page: s.page(r, v, "escalations", ""), Town: cmp.Or(s.town(sites).Name, s.centre)}
	p.sites = s.catalogue(sites).Sites
	now := s.now()
	for _, row := range sum.Inbox {
		since := row.OpenedAt
		if row.Escalated != nil {
			since = *row.Escalated
		}
		p.Inbox = append(p.Inbox, Waiting{CaseListRow: row, Age: now.Sub(since)})
	}
	byOrigin, byOwner := map[string]*EscalationCount{}, map[string]*EscalationCount{}
	count := func(m map[string]*EscalationCount, name string, g EscalationGroup) {
		c := m[name]
		if c == nil {
			c = &EscalationCount{Name: name}
			m[name] = c
		}
		c.Cases, c.Open, c.Resolved = c.Cases+g.Cases, c.Open+g.Open, c.Resolved+g.Resolved
	}
	for _, g := range sum.Groups {
		p.Total += g.Cases
		count(byOrigin, p.SiteName(g.Site), g)
		count(byOwner, p.OwnerName(CaseListRow{Owner: app.OwnerCentre, Site: g.Site, WorkerSite: g.WorkerSite}), g)
	}
	p.ByOrigin, p.ByOwner = sortedCounts(byOrigin), sortedCounts(byOwner)
	s.render(w, r, http.StatusOK, "escalations", p)
}

func sortedCounts(m map[string]*EscalationCount) []EscalationCount {
	out := make([]EscalationCount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b EscalationCount) int {
		return cmp.Or(cmp.Compare(b.Cases, a.Cases), cmp.Compare(a.Name, b.Name))
	})
	return out
}
