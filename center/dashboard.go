package center

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
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
	Fresh      []Freshness // every site of the scope, by id
	Oldest     Freshness   // the site heard from least recently
	Sat        map[string]Satisfaction
	SiteList   []Site // the sites the export form offers
}

// SatOf returns the satisfaction of a site's row of Ledger.BySite.
func (p ledgerPage) SatOf(key string) string { return p.Sat[key].Percent() }

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	cat, rows, err := s.ledgerRows(ctx, v)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	sites, err := s.web.Sites(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	ratings, err := s.web.Ratings(ctx, v.User.Scope(), time.Time{})
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	sites = slices.DeleteFunc(sites, func(st Site) bool { return !v.User.Scope().Allows(st.ID) })
	now := s.now().In(s.loc)
	l := BuildLedger(rows, cat, now)
	p := ledgerPage{page: s.page(r, v, "ledger", ""), Ledger: l, Today: now.Format("2006年1月2日"),
		Month:      now.Format("2006-01"),
		SiteChart:  RateBars(l.BySite, "各站点化解率"),
		MonthChart: MonthColumns(lastN(l.ByMonth, 24), "各月化解率"),
		Fresh:      SiteFreshness(sites, s.now(), s.contactLimit),
		Sat:        satisfactionBySite(ratings, cat.Sites), SiteList: sites}
	p.Oldest, _ = OldestContact(p.Fresh)
	p.sites, p.cat = cat.Sites, &cat
	s.render(w, r, http.StatusOK, "ledger", p)
}

// SilentText says how long a site has been out of contact, in Chinese.
func (f Freshness) SilentText() string {
	if f.Never {
		return "从未同步"
	}
	d := f.Silent
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
	cat, rows, err := s.ledgerRows(ctx, v)
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

// recordFollowUp serves the follow-up form: it appends a follow-up to the case through the
// centre's follow-up path (Store.AddFollowUp), which queues it for the case's hall.
func (s *Server) recordFollowUp(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	code, err := app.ParseCaseCode(r.PostFormValue("code"))
	var site int64
	if err == nil {
		site, err = s.web.CaseSite(ctx, code)
	}
	if err == nil && !v.User.Scope().Allows(site) {
		err = app.Errorf(app.ENOTFOUND, "no such case") // another site's case: as if it did not exist
	}
	if err != nil {
		if c := app.ErrorCode(err); c == app.ENOTFOUND || c == app.EINVALID {
			s.render(w, r, http.StatusNotFound, "error", s.page(r, v, "", "未找到该事项。"))
			return
		}
		s.pageFail(w, r, err)
		return
	}
	outcome := r.PostFormValue("result")
	valid := false
	for _, o := range FollowUpOutcomes {
		valid = valid || o == outcome
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if !valid || len([]rune(note)) > 200 || ValidText("note", note, 200) != nil {
		s.showFollowUps(w, r, v, http.StatusBadRequest, "请选择回访结果，情况说明不超过200字。")
		return
	}
	text := "回访结果：" + outcome
	if note != "" {
		text += "；" + note
	}
	if _, err := s.web.AddFollowUp(ctx, code, text, v.User.Name); err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "follow-up recorded", "user", v.User.ID, "site", site)
	s.audit(r, v, "case.followup", AuditEntry{Case: code, Site: site})
	http.Redirect(w, r, "/dashboard/followups?saved=1", http.StatusSeeOther)
}

type hallPage struct {
	page
	Days         int
	Times        []TicketTimes
	RatingsKnown bool
	RatingChart  template.HTML
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
	}
	s.render(w, r, http.StatusOK, "hall", p)
}

// formatMinutes shows seconds as minutes with one decimal.
func formatMinutes(sec float64) string { return fmt.Sprintf("%.1f", sec/60) }
