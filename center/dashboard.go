package center

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// FollowUpOutcomes are the results a follow-up form offers.
var FollowUpOutcomes = []string{"满意", "基本满意", "不满意", "未联系上"}

type ledgerPage struct {
	page
	Ledger     Ledger
	Today      string
	Month      string // the month of the report form: this month
	SiteChart  template.HTML
	MonthChart template.HTML
	// Fresh is the freshness of every site of the scope, by id; in a view of regions (a county's
	// towns, a city's counties) only of the sites out of contact, of Halls in all.
	Fresh     []Freshness
	Halls     int
	ByRegion  bool      // the view rolls up regions, not halls: no per-hall tables
	ByGrid    bool      // the ledger has its figures by grid (not when summed by region)
	SiteRates []Rate    // the ledger's figures by hall, shown when the view is not of regions
	Overdue   []Overdue // the most overdue cases, at most overduePage of Ledger.Overdue
	AsOf      string    // the oldest contact of the scope's sites (Catalogue.AsOf)
	Sat       map[string]Satisfaction
	SiteList  []Site // the sites the export form offers
	View      overview
	Rollup    []Rollup       // the view's figures by the level below (docs/centre.md "Regions")
	Sources   []SourceOption // the source filter (?source=)
	Source    string         // the chosen source's parameter, "" for every source
	// OverdueLink lists every overdue case of the view in the case list.
	OverdueLink string
}

// overduePage is how many of the overdue cases the dashboard lists, the most overdue first; the
// case list's overdue filter has them all.
const overduePage = 20

// SatOf returns the satisfaction of a site's row of Ledger.BySite.
func (p ledgerPage) SatOf(key string) string { return p.Sat[key].Percent() }

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	sources, err := ParseSource(r.URL.Query().Get("source"))
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", "无此来源。"))
		return
	}
	sites, err := s.sites(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	regions, err := s.web.Regions(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	tree := NewTree(regions)
	view, err := viewOf(r, v.User, tree, sites)
	if err != nil {
		s.render(w, r, http.StatusNotFound, "error", s.page(r, v, "", "未找到该区域或站点。"))
		return
	}
	now := s.now().In(s.loc)
	var cat Catalogue
	var l Ledger
	var below map[int64]Rate
	summed := false
	if regionalView(view, tree) {
		cat, l, below, summed, err = s.regionLedger(ctx, view.Region, view.Scope, sources, now)
	}
	if err == nil && !summed {
		cat, l, err = s.ledger(ctx, view.Scope, sources, now)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	sites = slices.DeleteFunc(sites, func(st Site) bool { return !view.Scope.Allows(st.ID) })
	p := ledgerPage{page: s.page(r, v, "ledger", ""), Ledger: l, Today: now.Format("2006年1月2日"),
		Month:      now.Format("2006-01"),
		MonthChart: MonthColumns(lastN(l.ByMonth, 24), "各月化解率"),
		Fresh:      SiteFreshness(sites, s.now(), s.contactLimit), Halls: len(sites), SiteList: sites,
		Overdue: l.Overdue[:min(len(l.Overdue), overduePage)], OverdueLink: overdueLink(view),
		Sources: SourceOptions(sources), Source: r.URL.Query().Get("source")}
	p.Rollup = rollup(&view, tree, l, p.Fresh, below)
	p.ByGrid = !summed
	p.View = view
	if p.ByRegion = view.Below != "" && view.Below != "站点"; p.ByRegion {
		// A county's or a city's view: its regions, and of its halls only those out of contact.
		p.SiteChart = RateBars(rollupRates(p.Rollup), "各"+view.Below+"化解率")
		p.Fresh = slices.DeleteFunc(p.Fresh, func(f Freshness) bool { return !f.Lost })
	} else {
		p.SiteRates, p.SiteChart = l.BySite, RateBars(l.BySite, "各站点化解率")
		if p.Sat, err = s.siteSatisfaction(ctx, view.Scope, cat.Sites); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	p.AsOf = cat.AsOf()
	p.sites, p.cat = cat.Sites, &cat
	s.render(w, r, http.StatusOK, "ledger", p)
}

// regionalView reports whether the view rolls up regions (a city's counties, a county's towns,
// the whole centre's top regions), not a town's halls or one hall.
func regionalView(v overview, tree Tree) bool {
	if v.Site != 0 || v.Scope.Site != 0 {
		return false
	}
	if r, ok := tree.Region(v.Region); ok && r.Level == LevelTown {
		return false
	}
	return len(tree.Children(v.Region)) > 0
}

// overdueLink returns the case list of the view's overdue cases: of its hall, or of the user's
// whole scope (the case list has no region filter).
func overdueLink(v overview) string {
	if v.Site != 0 {
		return fmt.Sprintf("/dashboard/cases?overdue=1&origin=%d", v.Site)
	}
	return "/dashboard/cases?overdue=1"
}

// SilentText says how long ago a site last made contact, in Chinese.
func (f Freshness) SilentText() string {
	if f.Never {
		return "从未同步"
	}
	d := f.Since
	switch {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d小时", int(d.Hours()))
	}
	return fmt.Sprintf("%d天", int(d.Hours()/24))
}

func lastN(rs []Rate, n int) []Rate {
	if len(rs) > n {
		return rs[len(rs)-n:]
	}
	return rs
}

type followUpsPage struct {
	page
	Due          []FollowUp
	Done         int
	BadRatings   []RatingRow
	RatingsKnown bool
	CanWrite     bool
	Outcomes     []string
	Flash        string
}

func (s *Server) followUpsPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.showFollowUps(w, r, v, http.StatusOK, "")
}

func (s *Server) showFollowUps(w http.ResponseWriter, r *http.Request, v visit, status int, errMsg string) {
	ctx := r.Context()
	cat, rows, err := s.ledgerRows(ctx, v.User.Scope())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	ratings, err := s.web.Ratings(ctx, v.User.Scope(), time.Time{})
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := followUpsPage{page: s.page(r, v, "followups", errMsg), CanWrite: v.User.Role.CanWrite(),
		Outcomes: FollowUpOutcomes, RatingsKnown: len(ratings) > 0}
	p.sites = cat.Sites
	p.Due, p.Done = FollowUps(rows, cat, s.now())
	for _, rt := range ratings {
		if rt.Flagged && !rt.FollowedUp {
			p.BadRatings = append(p.BadRatings, rt)
		}
	}
	if r.URL.Query().Get("saved") != "" {
		p.Flash = "回访已记录，将同步至所属大厅。"
	}
	s.render(w, r, status, "followups", p)
}

// recordFollowUp serves the follow-up forms: of a case (field code), appended through the
// centre's follow-up path (Store.AddFollowUp), which queues it for the case's hall whether the
// case is open or closed; or of a bad rating (field rating, "SITE-ID"), recorded on the rating
// and, when the rating has a case, on the case as well.
func (s *Server) recordFollowUp(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	outcome := r.PostFormValue("result")
	note := strings.TrimSpace(r.PostFormValue("note"))
	if !slices.Contains(FollowUpOutcomes, outcome) || ValidText("note", note, 200) != nil {
		s.showFollowUps(w, r, v, http.StatusBadRequest, "请选择回访结果，情况说明不超过200字。")
		return
	}
	text := "回访结果：" + outcome
	if note != "" {
		text += "；" + note
	}
	var code string
	var site, rating int64
	var err error
	if ref := r.PostFormValue("rating"); ref != "" {
		site, rating, err = parseRatingRef(ref)
		if err == nil && !v.User.Scope().Allows(site) {
			err = app.Errorf(app.ENOTFOUND, "no such rating") // another site's rating: as if it did not exist
		}
		if err == nil {
			code, err = s.web.AddRatingFollowUp(ctx, site, rating, RatingFollowUp{At: s.now(), By: v.User.Name,
				Result: outcome, Note: note})
		}
	} else {
		code, err = app.ParseCaseCode(r.PostFormValue("code"))
		if err == nil {
			site, err = s.web.CaseSite(ctx, code)
		}
		if err == nil && !v.User.Scope().Allows(site) {
			err = app.Errorf(app.ENOTFOUND, "no such case") // another site's case: as if it did not exist
		}
	}
	if err != nil {
		if c := app.ErrorCode(err); c == app.ENOTFOUND || c == app.EINVALID {
			s.render(w, r, http.StatusNotFound, "error", s.page(r, v, "", "未找到该事项。"))
			return
		}
		s.pageFail(w, r, err)
		return
	}
	if code != "" {
		if _, err := s.web.AddFollowUp(ctx, code, text, v.User.Name); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	s.log.InfoContext(ctx, "follow-up recorded", "user", v.User.ID, "site", site, "rating", rating)
	s.audit(r, v, "case.followup", AuditEntry{Case: code, Site: site})
	http.Redirect(w, r, "/dashboard/followups?saved=1", http.StatusSeeOther)
}

// parseRatingRef reads a rating's reference in a form, "SITE-ID".
func parseRatingRef(ref string) (site, rating int64, err error) {
	a, b, ok := strings.Cut(ref, "-")
	site, err1 := strconv.ParseInt(a, 10, 64)
	rating, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, app.Errorf(app.EINVALID, "rating must be SITE-ID")
	}
	return site, rating, nil
}

type hallPage struct {
	page
	Days         int
	Times        []TicketTimes
	RatingsKnown bool
	RatingChart  template.HTML
	ByWindow     []Satisfaction // 满意度 of each window of each site
	ByStaff      []Satisfaction // 满意度 of each staff member who was rated
}

// hallDays is the period of the hall statistics.
const hallDays = 30

func (s *Server) hallPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	cat, err := s.loadCatalogue(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	since := s.now().AddDate(0, 0, -hallDays)
	times, err := s.web.TicketTimes(ctx, v.User.Scope(), since)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	ratings, err := s.web.Ratings(ctx, v.User.Scope(), since)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := hallPage{page: s.page(r, v, "hall", ""), Days: hallDays, Times: times, RatingsKnown: len(ratings) > 0}
	p.sites, p.cat = cat.Sites, &cat
	if p.RatingsKnown {
		p.RatingChart = ScoreBars(ratings)
		p.ByWindow = SatisfactionBy(ratings, func(r RatingRow) string { return fmt.Sprintf("%d-%03d", r.Site, r.Window) },
			func(r RatingRow) string { return fmt.Sprintf("%s %d号窗口", cat.Sites[r.Site], r.Window) })
		p.ByStaff = SatisfactionBy(ratings, func(r RatingRow) string { return fmt.Sprintf("%d-%s", r.Site, r.Staff) },
			func(r RatingRow) string { return cat.Sites[r.Site] + " " + cmp.Or(r.Staff, "（未登记）") })
	}
	s.render(w, r, http.StatusOK, "hall", p)
}

// formatMinutes shows seconds as minutes with one decimal.
func formatMinutes(sec float64) string { return fmt.Sprintf("%.1f", sec/60) }
