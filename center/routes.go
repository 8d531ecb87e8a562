package center

import (
	"crypto/subtle"
	"net/http"
	"path"
	"strings"

	"fengqiao/app"
	"fengqiao/wire"
)

// visit is an authenticated request: a site's, or a user's through a token or a session.
type visit struct {
	Site    *Site
	User    User
	Session Session
	TokenID int64
}

// principal names the caller in the audit log.
func (v visit) principal() string {
	switch {
	case v.Site != nil:
		return "site:" + v.Site.Name
	case v.User.Name != "":
		return "user:" + v.User.Name
	}
	return "anonymous"
}

type handler func(w http.ResponseWriter, r *http.Request, v visit)

// route registers an endpoint with its rule. It is the only way onto the server's mux, and it
// panics on a rule that leaves the door undefined.
func (s *Server) route(pattern string, rule Rule, h handler) {
	method, p, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("center: route " + pattern + " has no method")
	}
	rule.check(pattern)
	s.routes = append(s.routes, Route{Method: method, Path: p, Rule: rule})
	s.mux.HandleFunc(pattern, s.guard(rule, h))
}

// guard enforces a rule before the handler runs.
func (s *Server) guard(rule Rule, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, rule.MaxBody)
		w, r = s.routeReads(w, r, rule)
		switch rule.Auth {
		case Public:
			h(w, r, visit{})
		case SiteToken, UserToken:
			s.bearer(w, r, rule, h)
		case SessionCookie:
			s.signedIn(w, r, rule, h)
		case PhoneSession:
			s.phoneSignedIn(w, r, rule, h)
		}
		if r.Method != http.MethodGet && rule.Auth != Public && rule.Auth != SiteToken {
			s.overdueMemo.changed() // a user's change, if any, has committed
		}
	}
}

// bearer serves the API routes.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request, rule Rule, h handler) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "an Authorization: Bearer token is required"))
		return
	}
	hash, now := HashToken(strings.TrimSpace(tok)), s.now()
	var p Principal
	if site, ok := s.siteTokens.get(hash, now); ok {
		p.Site = &site
	} else {
		var err error
		if p, err = s.store.Authenticate(r.Context(), hash, now); err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Site != nil {
			s.siteTokens.put(hash, *p.Site, now)
		}
	}
	switch {
	case rule.Auth == SiteToken && p.Site == nil:
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "this endpoint is for hall (site) tokens"))
	case rule.Auth == UserToken && p.User == nil:
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "this endpoint is for centre user tokens"))
	case rule.Auth == UserToken && !rule.Allows(*p.User):
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "the %s role may not use this endpoint", p.User.Role))
	case rule.Auth == SiteToken:
		h(w, r, visit{Site: p.Site})
	default:
		h(w, r, visit{User: *p.User, TokenID: p.TokenID})
	}
}

// session serves the dashboard routes: a live session, a POST with the session's form token
// (CSRF), and a role and scope the rule allows.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, rule Rule, h handler) {
	r = r.WithContext(withSiteMemo(r.Context()))
	c, err := r.Cookie(sessionCookie)
	var v visit
	if err == nil && c.Value != "" {
		v.Session, v.User, err = s.web.Session(r.Context(), HashToken(c.Value), s.now())
	} else {
		err = app.Errorf(app.EUNAUTHORIZED, "no session")
	}
	if err != nil {
		if app.ErrorCode(err) != app.EUNAUTHORIZED {
			s.pageFail(w, r, err)
			return
		}
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusForbidden, "error", s.page(r, visit{}, "", "登录已失效，请重新登录。"))
		return
	}
	if r.Method == http.MethodPost &&
		subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(v.Session.CSRF)) != 1 {
		s.render(w, r, http.StatusForbidden, "error", s.page(r, v, "", "表单已失效，请刷新页面后重试。"))
		return
	}
	if !rule.Allows(v.User) {
		s.render(w, r, http.StatusForbidden, "error", s.page(r, v, "", "您的账号无权使用此功能。"))
		return
	}
	h(w, r, v)
}

// ServeHTTP implements http.Handler. It answers what the mux would redirect or refuse by itself
// with errors of its own: an unclean path (with . or .. or //) is 404 rather than a redirect,
// and on /api/ paths every error, unknown routes and wrong methods included, is a JSON
// wire.ErrorReply.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	if p := r.URL.Path; p == "" || p[0] != '/' || path.Clean(p) != p && !(strings.HasSuffix(p, "/") && path.Clean(p)+"/" == p) {
		s.refuse(w, r, api, http.StatusNotFound)
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		// Not one of ours: the mux's 404, 405 or redirect. Learn its status, answer our way.
		rec := &statusRecorder{header: http.Header{}}
		s.mux.ServeHTTP(rec, r)
		status := rec.status
		if status < 400 {
			status = http.StatusNotFound
		}
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		s.refuse(w, r, api, status)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// refuse answers a request no route serves.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, api bool, status int) {
	if !api {
		http.Error(w, http.StatusText(status), status)
		return
	}
	code := app.ENOTFOUND
	if status == http.StatusMethodNotAllowed {
		code = "method_not_allowed"
	}
	writeJSON(w, status, wire.ErrorReply{Error: strings.ToLower(http.StatusText(status)), Code: code})
}

// statusRecorder keeps the status and headers of the mux's own answers and drops their bodies.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header { return s.header }

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}

func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
}
