package center

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fengqiao/app"
)

// WithWarning sets the early warning page: the parties from which a dispute counts as 群体性
// (0: DefaultGroupParties), and whether the store hashes ID numbers (the centre has its key),
// without which repeat visitors cannot be matched.
func WithWarning(groupParties int, hashing bool) Option {
	return func(s *Server) { s.groupParties, s.hashing = cmp.Or(groupParties, DefaultGroupParties), hashing }
}

// routeGrids registers the grids' admin page and the early warning page.
func (s *Server) routeGrids() {
	s.route("GET /dashboard/warning", session(writers, OwnSite), s.warningPage)
	s.route("GET /dashboard/grids", session(admins, AllSites), s.gridsPage)
	s.route("POST /dashboard/grids", session(admins, AllSites), s.addGrid)
	s.route("POST /dashboard/grids/{id}/members", session(admins, AllSites), s.addGridMember)
	s.route("POST /dashboard/grids/{id}/members/{name}/remove", session(admins, AllSites), s.removeGridMember)
}

// gridFuncs are the template functions of the grids and early warning pages.
var gridFuncs = template.FuncMap{
	"add1":     func(n int) int { return n + 1 },
	"add2":     func(n int) int { return n + 2 },
	"gridRow":  func(p gridsPage, g Grid) gridRow { return gridRow{Page: p, Grid: g} },
	"weekRows": func(p warningPage, title, id string, rows []WeekSeries) weekRows { return weekRows{p, title, id, rows} },
}

// gridRow is a grid with its page, for the template of its members.
type gridRow struct {
	Page gridsPage
	Grid Grid
}

// weekRows is a table of week series with its page.
type weekRows struct {
	Page      warningPage
	Title, ID string
	Rows      []WeekSeries
}

// Candidates returns the users who may join the grid and are not members yet, for its form.
func (p gridsPage) Candidates(g Grid) []User {
	return slices.DeleteFunc(slices.Clone(p.Workers), func(u User) bool {
		return CheckGridMember(u, g) != nil || slices.ContainsFunc(g.Members, func(m GridMember) bool { return m.User == u.ID })
	})
}

type gridsPage struct {
	page
	Villages []VillageGrids
	Sites    []Site
	Bigs     []Grid // every big grid, for the form that adds a small grid
	Workers  []User // the users who can be grid members: 网格员 and 网格长
	Flash    string
}

func (s *Server) gridsPage(w http.ResponseWriter, r *http.Request, v visit) {
	flash := ""
	if r.URL.Query().Get("saved") != "" {
		flash = "已保存。"
	}
	s.gridsView(w, r, v, http.StatusOK, "", flash)
}

func (s *Server) gridsView(w http.ResponseWriter, r *http.Request, v visit, status int, errMsg, flash string) {
	ctx := r.Context()
	p := gridsPage{page: s.page(r, v, "grids", errMsg), Flash: flash}
	grids, err := s.web.Grids(ctx, 0)
	if err == nil {
		p.Sites, err = s.web.Sites(ctx)
	}
	var users []User
	if err == nil {
		users, err = s.web.Users(ctx)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p.Villages = GridTree(grids)
	p.Bigs = slices.DeleteFunc(grids, func(g Grid) bool { return !g.Big() })
	p.Workers = slices.DeleteFunc(users, func(u User) bool {
		return u.Disabled || u.Role != RoleGridWorker && u.Role != RoleGridLeader
	})
	s.render(w, r, status, "grids", p)
}

// gridDone finishes a grid form: the error shown on the page, or the action audited and the page
// shown again.
func (s *Server) gridDone(w http.ResponseWriter, r *http.Request, v visit, err error, action string, e AuditEntry) {
	if err != nil {
		code := app.ErrorCode(err)
		if code == app.EINTERNAL {
			s.pageFail(w, r, err)
			return
		}
		s.gridsView(w, r, v, app.HTTPStatus(code), "操作未完成："+gridError(err), "")
		return
	}
	s.audit(r, v, action, e)
	http.Redirect(w, r, "/dashboard/grids?saved=1", http.StatusSeeOther)
}

// gridError says in Chinese why a grid form failed.
func gridError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "already"):
		return "本村已有同名网格。"
	case strings.Contains(msg, "grid worker"):
		return "网格员只能加入小网格。"
	case strings.Contains(msg, "grid leader"):
		return "网格长只能负责大网格。"
	case strings.Contains(msg, "only users of role"):
		return "只有网格员、网格长账号可以加入网格。"
	case strings.Contains(msg, "scoped to another village"):
		return "该账号属于其他村（社区）。"
	case strings.Contains(msg, "not a member"):
		return "该账号不在此网格。"
	case app.ErrorCode(err) == app.ENOTFOUND:
		return "未找到该村（社区）、网格或账号。"
	}
	return "名称不合规（不超过100字，不含“/”与控制字符）。"
}

func (s *Server) addGrid(w http.ResponseWriter, r *http.Request, v visit) {
	site, err1 := strconv.ParseInt(r.PostFormValue("site"), 10, 64)
	parent, err2 := strconv.ParseInt(cmp.Or(r.PostFormValue("parent"), "0"), 10, 64)
	if err1 != nil || err2 != nil {
		s.gridDone(w, r, v, app.Errorf(app.ENOTFOUND, "no such site or grid"), "", AuditEntry{})
		return
	}
	g, err := s.web.AddGrid(r.Context(), site, parent, r.PostFormValue("name"))
	s.gridDone(w, r, v, err, "grid.add", AuditEntry{Site: site, Target: g.Name})
}

func (s *Server) addGridMember(w http.ResponseWriter, r *http.Request, v visit) {
	s.changeGridMember(w, r, v, r.PostFormValue("user"), "grid.member.add", s.web.AddGridMember)
}

func (s *Server) removeGridMember(w http.ResponseWriter, r *http.Request, v visit) {
	s.changeGridMember(w, r, v, r.PathValue("name"), "grid.member.remove", s.web.RemoveGridMember)
}

func (s *Server) changeGridMember(w http.ResponseWriter, r *http.Request, v visit, user, action string,
	change func(ctx context.Context, user string, grid int64) error) {
	grid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = change(r.Context(), user, grid)
	} else {
		err = app.Errorf(app.ENOTFOUND, "no such grid")
	}
	s.gridDone(w, r, v, err, action, AuditEntry{Target: user + "@grid" + r.PathValue("id")})
}
