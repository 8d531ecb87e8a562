package center

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"fengqiao/app"
)

// ThirdParty is the organisation choice that names a third party (第三方) in free text.
const ThirdParty = "第三方"

type casePage struct {
	page
	Case            Case
	Work            CaseWork
	Origin          string // the site that opened it
	OwnerName       string
	Phone           string
	Timeline        []timelineEntry
	Sessions        []app.CaseEntry
	FollowUps       []app.CaseEntry
	Summary         bool // the user may read the summary
	CanWork         bool // the user may act on the case
	Acts            map[string]bool
	Orgs            []string
	Levels          []string
	Results         []app.CaseResult
	Outcomes        []string
	SessionOutcomes []string
	Town            Site
	Today           string
	Flash           string
	GridTasks       gridTaskBox // the case's 回访 tasks for 网格员 (phone app)
}

type timelineEntry struct {
	At          time.Time
	What, Note  string
	By, Kind    string
	StatusClass string
}

// caseAction is one form of the case page: a path under the case, and what it does.
type caseAction struct {
	path   string
	centre bool // acts on a case the centre owns: town staff only
	flash  string
	do     func(s *Server, r *http.Request, v visit, code string) (string, error)
}

// caseActions are the case page's forms. Each appends one or more documented change kinds to the
// changes log of the case's origin site (docs/sync.md "Change kinds").
var caseActions = []caseAction{
	{path: "accept", centre: true, flash: "已受理上报，将同步至上报站点。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		_, err := s.web.AcceptEscalation(r.Context(), code, v.User.Name)
		return "escalation.accept", err
	}},
	{path: "assign", centre: true, flash: "已分流。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		org := strings.TrimSpace(r.PostFormValue("org"))
		if org == ThirdParty {
			org = strings.TrimSpace(r.PostFormValue("party"))
			if org != "" {
				org = ThirdParty + "：" + org
			}
		} else if !slices.Contains(s.mediationOrgs(), org) {
			org = ""
		}
		if org == "" || ValidText("unit", org, MaxShort) != nil {
			return "", app.Errorf(app.EINVALID, "请选择调解组织（第三方须填写名称）。")
		}
		return "case.change", s.workChange(r, app.CaseChange{Status: app.CaseAssigned, Level: r.PostFormValue("level"),
			Unit: org, By: v.User.Name}, code)
	}},
	{path: "session", centre: true, flash: "调解记录已保存。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		m := app.MediationSession{Date: r.PostFormValue("date"), Mediator: strings.TrimSpace(r.PostFormValue("mediator")),
			Parties: strings.TrimSpace(r.PostFormValue("parties")), Outcome: r.PostFormValue("outcome"), By: v.User.Name}
		if m.Mediator == "" || ValidText("mediator", m.Mediator, MaxShort) != nil || ValidText("parties", m.Parties, MaxNote) != nil ||
			!slices.Contains(SessionOutcomes, m.Outcome) {
			return "", app.Errorf(app.EINVALID, "请填写调解日期、调解员、到场当事人并选择调解结果。")
		}
		_, err := s.web.RecordSession(r.Context(), code, m)
		return "case.session", err
	}},
	{path: "refer", centre: true, flash: "已转办。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		dept := strings.TrimSpace(r.PostFormValue("department"))
		if dept == "" || ValidText("department", dept, MaxShort) != nil {
			return "", app.Errorf(app.EINVALID, "请填写转办部门和办理时限。")
		}
		return "case.change", s.workChange(r, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral,
			Department: dept, Deadline: r.PostFormValue("deadline"), By: v.User.Name}, code)
	}},
	{path: "close", centre: true, flash: "已结案。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		note := strings.TrimSpace(r.PostFormValue("note"))
		if ValidText("note", note, MaxNote) != nil {
			return "", app.Errorf(app.EINVALID, "情况说明过长。")
		}
		return "case.change", s.workChange(r, app.CaseChange{Status: app.CaseClosed,
			Result: app.CaseResult(r.PostFormValue("result")), FollowUpOn: r.PostFormValue("follow_up_on"), Note: note,
			By: v.User.Name}, code)
	}},
	{path: "handover", centre: true, flash: "已交镇大厅办理。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		sites, err := s.web.Sites(r.Context())
		if err != nil {
			return "", err
		}
		town := s.town(sites)
		if town.ID == 0 {
			return "", app.Errorf(app.EINVALID, "未设置镇大厅站点。")
		}
		if err := s.handoverInScope(r, v.User, town.Name); app.ErrorCode(err) == app.EINVALID {
			return "", app.Errorf(app.EINVALID, "镇大厅不在您的管辖范围内。")
		} else if err != nil {
			return "", err
		}
		_, err = s.web.Handover(r.Context(), code, town.Name, v.User.Name)
		return "case.handover", err
	}},
	{path: "followup", flash: "回访已记录，将同步至所属大厅。", do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		text, err := followUpNote(r.PostFormValue("result"), r.PostFormValue("note"))
		if err != nil {
			return "", err
		}
		_, err = s.web.AddFollowUp(r.Context(), code, text, v.User.Name)
		return "case.followup", err
	}},
}

// SessionOutcomes are the outcomes a mediation session form offers.
var SessionOutcomes = []string{"达成协议", "部分达成协议", "未达成协议", "择期再调"}

func (s *Server) workChange(r *http.Request, ch app.CaseChange, code string) error {
	_, err := s.web.WorkChange(r.Context(), code, ch)
	return err
}

func (s *Server) mediationOrgs() []string {
	if len(s.orgs) > 0 {
		return s.orgs
	}
	return app.MediationOrgs
}

// caseInScope returns the case's code and work data if the user's scope includes it: its own site
// or the site it was handed to. Anything else is answered as unknown.
func (s *Server) caseInScope(r *http.Request, u User) (string, CaseWork, bool, error) {
	code, err := app.ParseCaseCode(r.PathValue("code"))
	if err != nil {
		return "", CaseWork{}, false, nil
	}
	work, err := s.web.CaseWork(r.Context(), code)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return code, work, false, nil
	}
	return code, work, err == nil && work.InScope(u.Scope()), err
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, v visit) {
	code, _, ok, err := s.caseInScope(r, v.User)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if !ok {
		s.render(w, r, http.StatusNotFound, "error", s.page(r, v, "", "未找到该事项。"))
		return
	}
	flash := ""
	for _, a := range append(slices.Clip(caseActions), gridTaskAction) {
		if r.URL.Query().Get("done") == a.path {
			flash = a.flash
		}
	}
	s.showCase(w, r, v, code, http.StatusOK, "", flash)
}

// showCase renders the case page; a full-record view is audited.
func (s *Server) showCase(w http.ResponseWriter, r *http.Request, v visit, code string, status int, errMsg, flash string) {
	ctx := r.Context()
	c, err := s.web.Case(ctx, code)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	work, err := s.web.CaseWork(ctx, code)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	sites, err := s.web.Sites(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := casePage{page: s.page(r, v, "cases", errMsg), Case: c, Work: work, Summary: v.User.Role != RoleReadOnly,
		Orgs: s.mediationOrgs(), Levels: app.MediationLevels, Outcomes: FollowUpOutcomes, SessionOutcomes: SessionOutcomes, Town: s.town(sites),
		Results: []app.CaseResult{app.ResultResolved, app.ResultUnresolved, app.ResultLitigation, app.ResultWithdrawn},
		Today:   s.now().In(s.loc).Format(time.DateOnly), Flash: flash}
	p.sites = s.catalogue(sites).Sites
	p.Origin = p.SiteName(work.Site)
	p.OwnerName, p.Phone = s.currentOwner(work, sites)
	p.CanWork = v.User.Role.CanWrite() && (work.Owner != app.OwnerCentre || v.User.Site == 0)
	p.Acts = availableActs(c.Case, work, p.Town.ID != 0)
	for _, e := range c.History {
		te := timelineEntry{At: e.At, Note: e.Note, By: e.By, Kind: e.Kind, What: entryLabel(e)}
		switch app.Owner(e.By) {
		case app.OwnerHall:
			te.By = p.Origin
		case app.OwnerCentre:
			te.By = s.centre
		}
		p.Timeline = append(p.Timeline, te)
		switch e.Kind {
		case app.EntrySession:
			p.Sessions = append(p.Sessions, e)
		case app.EntryFollowUp:
			p.FollowUps = append(p.FollowUps, e)
		}
	}
	p.GridTasks = s.gridTasks(ctx, code, v)
	s.audit(r, v, "case.view", AuditEntry{Case: code, Site: work.Site})
	s.render(w, r, status, "case", p)
}

// availableActs says which forms the case page offers for the case's state.
func availableActs(c app.Case, w CaseWork, town bool) map[string]bool {
	centre := c.Owner == app.OwnerCentre && w.WorkerSite == 0 // handed over: the town hall works it
	accepted := w.EscAccepted != nil
	return map[string]bool{
		"accept":   centre && !accepted && !c.Status.Final(),
		"assign":   centre && accepted && app.CanMove(c.Status, app.CaseAssigned),
		"session":  centre && accepted && slices.Contains([]app.CaseStatus{app.CaseAssigned, app.CaseAssessing, app.CaseHandling, app.CaseFollowUp}, c.Status),
		"refer":    centre && accepted && app.CanMove(c.Status, app.CaseHandling),
		"close":    centre && accepted && app.CanMove(c.Status, app.CaseClosed),
		"handover": centre && accepted && town && !c.Status.Final(),
		"followup": true,
	}
}

// entryLabel names a history entry in Chinese.
func entryLabel(e app.CaseEntry) string {
	switch e.Kind {
	case app.EntryStatus:
		return e.Status.Label()
	case app.EntryFollowUp:
		return "回访"
	case app.EntryEscalated:
		return "上报镇级"
	case app.EntryEscalationAccepted:
		return "受理上报"
	case app.EntrySession:
		return "调解"
	case app.EntryHandover:
		return "交办"
	}
	return e.Kind
}

// currentOwner returns the name and phone of who works the case now: the hall that opened it, the
// site it was handed to, the town hall, or the centre.
func (s *Server) currentOwner(w CaseWork, sites []Site) (string, string) {
	byID := map[int64]Site{}
	for _, st := range sites {
		byID[st.ID] = st
	}
	switch {
	case w.Owner != app.OwnerCentre:
		return byID[w.Site].Name, byID[w.Site].Phone
	case w.WorkerSite != 0:
		return byID[w.WorkerSite].Name, byID[w.WorkerSite].Phone
	}
	if t := s.town(sites); t.ID != 0 {
		if t.Phone == "" {
			t.Phone = s.centrePhone
		}
		return t.Name, t.Phone
	}
	return s.centre, s.centrePhone
}

// caseAction serves one of the case page's forms.
func (s *Server) caseAction(a caseAction) handler {
	return func(w http.ResponseWriter, r *http.Request, v visit) {
		code, work, ok, err := s.caseInScope(r, v.User)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		if !ok {
			s.render(w, r, http.StatusNotFound, "error", s.page(r, v, "", "未找到该事项。"))
			return
		}
		if a.centre && v.User.Site != 0 {
			// Staff of one site do not work the centre's cases: the case's owner is the point, as
			// for a hall-owned case at the centre (409, like not_owner).
			s.showCase(w, r, v, code, http.StatusConflict, "此事项由镇综治中心办理，本站点不能办理。", "")
			return
		}
		action, err := a.do(s, r, v, code)
		if err != nil {
			status, msg := http.StatusConflict, "此操作与事项当前状态不符，请刷新后重试。"
			switch app.ErrorCode(err) {
			case app.EINVALID:
				status, msg = http.StatusBadRequest, err.Error()
				if !strings.ContainsFunc(msg, func(r rune) bool { return r > 0x2e80 }) {
					msg = "填写内容有误，请检查后重试。"
				}
			case app.ENOTOWNER:
				msg = "此事项不归综治中心办理。"
			case app.ETRANSITION, app.ECONFLICT:
			default:
				s.pageFail(w, r, err)
				return
			}
			s.showCase(w, r, v, code, status, msg, "")
			return
		}
		s.log.InfoContext(r.Context(), "case action", "action", a.path, "user", v.User.ID, "site", work.Site)
		s.audit(r, v, action, AuditEntry{Case: code, Site: work.Site})
		http.Redirect(w, r, "/dashboard/cases/"+code+"?done="+a.path, http.StatusSeeOther)
	}
}
