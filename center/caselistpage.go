package center

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// searchers may look cases up by a party's full name or ID number (audited, shown masked).
var searchers = []Role{RoleStaff, RoleLeader, RoleAdmin}

// WithTownSite names the site of the town hall (镇综治中心大厅): escalated cases are shown under
// it, the tracking page gives its phone for the cases the centre works, and an accepted escalation
// can be handed to it to work (wire.ChangeHandover).
func WithTownSite(name string) Option { return func(s *Server) { s.townSite = name } }

// WithMediationOrgs sets the mediation organisations a case can be assigned to (default
// app.MediationOrgs); a third party (第三方) is always offered besides.
func WithMediationOrgs(orgs []string) Option { return func(s *Server) { s.orgs = orgs } }

// routeCases registers the case list, the case page with its actions and the escalation inbox.
func (s *Server) routeCases() {
	s.route("GET /dashboard/cases", session(readers, OwnSite), s.casesPage)
	s.route("POST /dashboard/cases/search", session(searchers, OwnSite), s.searchParty)
	s.route("GET /dashboard/escalations", session(readers, OwnSite), s.escalationsPage)
	s.route("GET /dashboard/cases/{code}", session(readers, OwnSite), s.casePage)
	for _, a := range caseActions {
		s.route("POST /dashboard/cases/{code}/"+a.path, session(writers, OwnSite), s.caseAction(a))
	}
}

// town is the configured town hall site, if any.
func (s *Server) town(sites []Site) Site {
	for _, st := range sites {
		if s.townSite != "" && st.Name == s.townSite {
			return st
		}
	}
	return Site{}
}

type casesPage struct {
	page
	Filter   CaseFilter
	Query    url.Values
	List     CaseList
	NextURL  string
	Sites    []Site
	Services []app.Service
	Statuses []app.CaseStatus
	Searched bool // the rows are a party search's
	Search   bool // the user may search by party
	Now      time.Time
}

// casesPage serves the case list: filters in the query string (nothing personal), a page of 50.
func (s *Server) casesPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	q := r.URL.Query()
	p, err := s.newCasesPage(ctx, r, v)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	f, ok := s.parseFilter(q)
	if !ok {
		p.Error = "筛选条件有误，请重新选择。"
	}
	f.Town, f.Services = s.town(p.Sites).ID, s.services
	p.Filter, p.Query = f, q
	if p.List, err = s.web.ListCases(ctx, v.User.Scope(), f, s.now()); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if n := p.List.Next; n != nil {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("after", strconv.FormatInt(n.OpenedAt.UnixMicro(), 10)+"_"+n.Code)
		p.NextURL = "/dashboard/cases?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "cases", p)
}

func (s *Server) newCasesPage(ctx context.Context, r *http.Request, v visit) (casesPage, error) {
	sites, err := s.sites(ctx)
	town := s.town(sites).ID
	// The filters offer the halls of the user's scope, and the town hall cases are handed to.
	sites = slices.DeleteFunc(sites, func(st Site) bool { return !v.User.Scope().Allows(st.ID) && st.ID != town })
	p := casesPage{page: s.page(r, v, "cases", ""), Sites: sites, Services: s.services, Statuses: app.CaseStatuses,
		Search: session(searchers, OwnSite).Allows(v.User), Now: s.now()}
	p.Statuses = append(p.Statuses, app.CaseRejected)
	p.sites = s.catalogue(sites).Sites
	return p, err
}

// parseFilter reads the list's filters; ok is false when one was not understood (it is dropped).
func (s *Server) parseFilter(q url.Values) (CaseFilter, bool) {
	f := CaseFilter{Service: q.Get("service"), Category: strings.TrimSpace(q.Get("category")),
		Status: app.CaseStatus(q.Get("status")), Stage: q.Get("stage"), Owner: app.Owner(q.Get("owner")),
		Escalated: q.Get("escalated"), Overdue: q.Get("overdue") == "1", Source: q.Get("source")}
	ok := true
	id := func(key string) int64 {
		n, err := strconv.ParseInt(cmp.Or(q.Get(key), "0"), 10, 64)
		ok = ok && err == nil
		return n
	}
	f.Site, f.Origin = id("site"), id("origin")
	date := func(key string, days int) time.Time {
		if q.Get(key) == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, q.Get(key), s.loc)
		ok = ok && err == nil
		if err != nil {
			return time.Time{}
		}
		return t.AddDate(0, 0, days)
	}
	f.From, f.To = date("from", 0), date("to", 1)
	if c := strings.TrimSpace(q.Get("code")); c != "" {
		code, err := app.ParseCaseCode(c)
		ok = ok && err == nil
		f.Code = cmp.Or(code, "-") // a code that cannot be: no rows
	}
	if a := q.Get("after"); a != "" {
		at, code, found := strings.Cut(a, "_")
		micros, err := strconv.ParseInt(at, 10, 64)
		if ok = ok && found && err == nil; ok {
			f.After = &CaseCursor{OpenedAt: time.UnixMicro(micros).UTC(), Code: code}
		}
	}
	return f, ok
}

// MaxParty is the longest name or ID number the party search takes.
const MaxParty = 40

// searchParty serves the search by a party's full name or ID number. The words searched travel in
// the form body, never in a URL; the audit log records that a search was made and of which kind,
// not what was searched.
func (s *Server) searchParty(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	p, err := s.newCasesPage(ctx, r, v)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p.Searched = true
	who := strings.TrimSpace(r.PostFormValue("who"))
	if who == "" || len([]rune(who)) > MaxParty || ValidText("who", who, MaxParty) != nil {
		p.Error = "请输入当事人完整姓名或身份证号。"
		s.render(w, r, http.StatusBadRequest, "cases", p)
		return
	}
	rows, err := s.web.SearchParty(ctx, v.User.Scope(), who)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	kind := "name"
	if strings.Trim(strings.ToUpper(who), "0123456789X") == "" {
		kind = "id_number"
	}
	s.audit(r, v, "case.search", AuditEntry{Site: v.User.Site, Target: kind + ":" + strconv.Itoa(len(rows)) + " found"})
	p.List = CaseList{Rows: rows}
	s.render(w, r, http.StatusOK, "cases", p)
}

// OwnerName names who works the case now: the hall that opened it, the site it was handed to, or
// the town (its hall, or the centre).
func (p page) OwnerName(r CaseListRow) string {
	switch {
	case r.Owner == app.OwnerHall:
		return p.SiteName(r.Site)
	case r.WorkerSite != 0:
		return p.SiteName(r.WorkerSite)
	case p.s.townSite != "":
		return p.s.townSite
	}
	return p.Centre
}

// IsOverdue reports whether the open case is past its deadline.
func (p casesPage) IsOverdue(r CaseListRow) bool {
	d, ok := LedgerRow{Status: r.Status, OpenedAt: r.OpenedAt, AcceptedAt: r.AcceptedAt}.Deadline(p.s.catalogue(nil).Service(r.Service))
	return ok && p.Now.After(d)
}

// StageOf names a status's stage for templates.
func (p page) StageOf(st app.CaseStatus) string { return StageLabel(Stage(st)) }
