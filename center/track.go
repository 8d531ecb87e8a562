package center

import (
	"cmp"
	"html/template"
	"net/http"
	"time"

	"fengqiao/app"
)

// trackStages are the stages the tracking page shows, in order.
var trackStages = []app.CaseStatus{app.CaseAccepted, app.CaseAssigned, app.CaseAssessing, app.CaseHandling,
	app.CaseFollowUp, app.CaseClosed}

// trackPage is the tracking page's data. A code the centre does not know (never issued, mistyped,
// or not synced yet) gets the same page with Found false, whatever the reason.
type trackPage struct {
	CSS         template.CSS
	Centre      string
	Found       bool
	Code        string
	Service     string
	Category    string
	Status      string
	StatusClass string
	Result      string
	Unit        string
	Name        string
	Opened      string
	Site        string
	Owner       string // who works the case now, with Phone
	Steps       []trackStep
	Next        string
	Deadline    string
	Phone       string
	Hours       string // the site's opening hours, "" when its hall has not sent them
}

type trackStep struct {
	Label, When, State string // State: done, current, todo or skipped
}

// track serves GET /t/{code}. A client whose bucket holds a token may look up a case and only a
// failure costs it one (see limiter); a client out of tokens gets 429 whatever it asks, so it
// cannot tell a right guess from a wrong one. A case found writes nothing.
func (s *Server) track(w http.ResponseWriter, r *http.Request, _ visit) {
	client := s.clientIP(r)
	ok, err := s.trackLimit.allow(r.Context(), client)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if !ok {
		s.render(w, r, http.StatusTooManyRequests, "limited", trackPage{CSS: template.CSS(pageCSS), Phone: s.centrePhone})
		return
	}
	code, err := app.ParseCaseCode(r.PathValue("code"))
	var t Tracked
	if err == nil {
		t, err = s.web.Track(r.Context(), code, s.townSite)
	}
	switch app.ErrorCode(err) {
	case "":
		p := s.trackView(t, t.Sites)
		s.trackOwner(&p, t.Work, t.Sites)
		s.render(w, r, http.StatusOK, "track", p)
	case app.ENOTFOUND, app.EINVALID:
		if err := s.trackLimit.charge(r.Context(), client); err != nil {
			s.pageFail(w, r, err)
			return
		}
		s.render(w, r, http.StatusNotFound, "track", trackPage{CSS: template.CSS(pageCSS), Centre: s.centre,
			Phone: s.centrePhone})
	default:
		s.pageFail(w, r, err)
	}
}

// trackView shows a case with the service's name, hours and phone from its site's catalogue:
// the phone set at the centre first, else the hall's own, else the centre's.
func (s *Server) trackView(t Tracked, sites []Site) trackPage {
	var site Site
	for _, st := range sites {
		if st.Name == t.Site {
			site = st
		}
	}
	svc := s.catalogue([]Site{site}).SiteService(site.ID, t.Service)
	p := trackPage{CSS: template.CSS(pageCSS), Centre: s.centre, Found: true, Code: t.Code, Service: svc.Name,
		Category: t.Category, Status: t.Status.Label(), Unit: HandlingUnit(t.Unit, t.Handling, t.Department),
		Name: t.MaskedName, Site: t.Site, Opened: s.day(t.OpenedAt), Phone: t.SitePhone}
	if site.Catalogue != nil {
		p.Phone, p.Hours = cmp.Or(p.Phone, site.Catalogue.Phone), site.Catalogue.Hours
	}
	p.Phone = cmp.Or(p.Phone, s.centrePhone)
	switch t.Status {
	case app.CaseClosed:
		p.StatusClass, p.Result = "closed", t.Result.Label()
	case app.CaseRejected:
		p.StatusClass = "rejected"
	}
	if t.Status == app.CaseRejected || t.Status == app.CaseRegistered {
		p.Steps = append(p.Steps, trackStep{Label: "登记", When: s.day(t.OpenedAt), State: "done"})
		if t.Status == app.CaseRejected {
			p.Steps = append(p.Steps, trackStep{Label: "不予受理", When: s.reached(t, app.CaseRejected), State: "current"})
		}
	}
	if t.Status != app.CaseRejected {
		cur := -1
		for i, st := range trackStages {
			if st == t.Status {
				cur = i
			}
		}
		for i, st := range trackStages {
			step := trackStep{Label: st.Label(), When: s.reached(t, st)}
			switch {
			case i == cur && st == app.CaseClosed:
				step.State = "done"
			case i == cur:
				step.State = "current"
			case i < cur && step.When == "":
				step.State, step.When = "skipped", "无需此环节"
			case i < cur:
				step.State = "done"
			default:
				step.State = "todo"
			}
			p.Steps = append(p.Steps, step)
		}
	}
	p.Next = nextStep(t)
	if d, ok := (LedgerRow{Status: t.Status, OpenedAt: t.OpenedAt, AcceptedAt: reachedAt(t, app.CaseAccepted)}).Deadline(svc); ok {
		p.Deadline = s.day(d)
	}
	return p
}

// HandlingUnit is the 承办单位 of a case wherever it is shown (tracking page, case pages, 台账):
// the department a case was referred to (转办), else its handling unit.
func HandlingUnit(unit, handling, department string) string {
	if handling == app.HandlingReferral && department != "" {
		return department
	}
	return unit
}

// trackOwner names on p who works the case now (see currentOwner). When that is not the hall
// that opened it (an escalated case), the phone and opening hours are the worker's: its phone set
// at the centre, else its hall's own, else the centre's.
func (s *Server) trackOwner(p *trackPage, work CaseWork, sites []Site) {
	name, phone := s.currentOwner(work, sites)
	p.Owner = name
	if name == "" || name == p.Site {
		return
	}
	p.Hours = ""
	for _, st := range sites {
		if st.Name == name && st.Catalogue != nil {
			phone, p.Hours = cmp.Or(phone, st.Catalogue.Phone), st.Catalogue.Hours
		}
	}
	p.Phone = cmp.Or(phone, s.centrePhone)
}

func (s *Server) day(t time.Time) string { return t.In(s.loc).Format("2006年1月2日") }

func (s *Server) reached(t Tracked, st app.CaseStatus) string {
	if at, ok := t.Reached[st]; ok {
		return t2s(at.In(s.loc))
	}
	return ""
}

func t2s(t time.Time) string { return t.Format("2006-01-02") }

func reachedAt(t Tracked, st app.CaseStatus) *time.Time {
	if at, ok := t.Reached[st]; ok {
		return &at
	}
	return nil
}

// nextStep tells the resident what happens next, in plain words.
func nextStep(t Tracked) string {
	switch t.Status {
	case app.CaseRegistered:
		return "等待受理：工作人员将在时限内决定是否受理，并告知您。"
	case app.CaseAccepted:
		return "分流：确定承办单位和调解方式。"
	case app.CaseAssigned:
		return "研判：承办单位分析情况，制定化解方案。"
	case app.CaseAssessing:
		return "处置：组织调解，或转交相关部门办理。"
	case app.CaseHandling:
		if t.Handling == app.HandlingReferral {
			return "处置中：已转交相关部门办理，办结后将回访。"
		}
		return "处置中：正在组织调解，办结后将回访。"
	case app.CaseFollowUp:
		if t.FollowUpOn != "" {
			return "回访：工作人员将于 " + t.FollowUpOn + " 前后电话回访，了解化解效果。"
		}
		return "回访：工作人员将电话回访，了解化解效果。"
	case app.CaseClosed:
		return "已结案。如有疑问，请致电咨询。"
	case app.CaseRejected:
		return "不予受理。如有疑问，请致电咨询。"
	}
	return ""
}
