package hub

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"fengqiao/app"
)

// Scopes of a rule: what a window's staff session may act on.
const (
	// ScopeNone: the route acts on nothing of one window (the hall, the queue, a new ticket).
	ScopeNone = ""
	// ScopeWindow: the window in the path ({id}) must be the session's own window.
	ScopeWindow = "own window"
	// ScopeCase: the case in the path ({code}) must belong to a ticket the session's window holds
	// now (its current ticket or one it has set aside).
	ScopeCase = "case at own window"
	// ScopeSession: the route acts on the session's own window (no window in the path).
	ScopeSession = "session's window"
)

// Rule is who may call a route: the roles whose token it accepts, whether a window token must
// also send the signed-in staff session of the window acted on (X-Staff-Session), and what that
// session may act on. Staff marked lead in the configuration may act on every window and case.
type Rule struct {
	Roles   []app.Role // kiosk, window, display, rating; none for a public route
	Public  bool       // no token at all (only /healthz)
	Session bool       // the window role must send its staff session
	Scope   string     // ScopeNone, ScopeWindow, ScopeCase or ScopeSession
	MaxBody int64      // bytes; 0: the default, defaultBody
}

// Allows reports whether the rule accepts the role.
func (r Rule) Allows(role app.Role) bool { return slices.Contains(r.Roles, role) }

// Route is one endpoint of the hub with its rule.
type Route struct {
	Pattern string // e.g. "POST /api/v1/windows/{id}/complete"
	Rule    Rule
}

// Routes returns every endpoint of the hub with its rule, in registration order.
func (s *Server) Routes() []Route { return slices.Clone(s.table) }

// SessionHeader carries a window's staff session token on every call made for a signed-in staff
// member. Tokens travel in headers or bodies, never in URLs, so they stay out of access logs.
const SessionHeader = "X-Staff-Session"

const defaultBody = 8 << 10

// rules used by many routes
var (
	anyone      = app.Roles
	kioskWindow = []app.Role{app.RoleKiosk, app.RoleWindow}
	windowOnly  = []app.Role{app.RoleWindow}
	staffRule   = Rule{Roles: windowOnly, Session: true, Scope: ScopeWindow}
	caseRule    = Rule{Roles: windowOnly, Session: true, Scope: ScopeCase, MaxBody: 16 << 10}
)

// sessions is what the hub needs of a hall to check staff sessions: store.Console.
type sessions interface {
	Session(ctx context.Context, token string) (app.StaffSession, error)
}

// caseWindows tells whether a case belongs to a ticket a window holds: store.Hall.
type caseWindows interface {
	CaseAtWindow(ctx context.Context, window int, code string) (bool, error)
}

// principal is who makes a request: a token's role and, for a window, its staff session.
type principal struct {
	role    app.Role
	session *app.StaffSession
	lead    bool
}

type principalKey struct{}

func principalOf(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

func roleOf(ctx context.Context) app.Role { return principalOf(ctx).role }

// staffName returns the name of the signed-in staff member making the request, for histories.
func staffName(ctx context.Context) string {
	if s := principalOf(ctx).session; s != nil {
		return s.Staff
	}
	return ""
}

// route registers h for pattern under rule. It is the only way a route is added, so no route
// exists without a rule.
func (s *Server) route(pattern string, rule Rule, h func(w http.ResponseWriter, r *http.Request) error) {
	if len(rule.Roles) == 0 && !rule.Public {
		panic("hub: route " + pattern + " has no roles")
	}
	if rule.Scope != ScopeNone && !rule.Session {
		panic("hub: route " + pattern + " has a scope but needs no session")
	}
	if rule.MaxBody == 0 {
		rule.MaxBody = defaultBody
	}
	s.table = append(s.table, Route{Pattern: pattern, Rule: rule})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if rule.Public {
			s.serve(w, r, h)
			return
		}
		p, status, code, msg := s.admit(r, rule)
		if status != 0 {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="fengqiao"`)
			}
			writeError(w, status, code, msg)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, rule.MaxBody)
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost {
			if len(key) > 200 {
				writeError(w, http.StatusBadRequest, app.EINVALID, "Idempotency-Key is too long")
				return
			}
			req, err := idempotentRequest(r, string(p.role)+":"+key)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ctx = app.WithIdempotency(ctx, req)
		}
		s.serve(w, r.WithContext(ctx), h)
	})
}

// admit checks a request against its rule and returns who makes it, or the refusal.
func (s *Server) admit(r *http.Request, rule Rule) (p principal, status int, code, msg string) {
	role, ok := s.authenticate(r)
	if !ok {
		return p, http.StatusUnauthorized, app.EUNAUTHORIZED, "a valid bearer token is required"
	}
	p.role = role
	if !rule.Allows(role) {
		return p, http.StatusForbidden, app.EFORBIDDEN, fmt.Sprintf("the %s role may not make this call", role)
	}
	tok := r.Header.Get(SessionHeader)
	if role != app.RoleWindow || (!rule.Session && tok == "") {
		return p, 0, "", ""
	}
	ss, ok := s.hall.(sessions)
	if !ok {
		return p, http.StatusNotImplemented, app.ENOTIMPLEMENTED, "this hub has no staff sessions"
	}
	sess, err := ss.Session(r.Context(), tok)
	if err != nil {
		if !rule.Session {
			return p, 0, "", "" // an optional session that has ended grants nothing
		}
		if app.ErrorCode(err) == app.ESESSION {
			return p, http.StatusForbidden, app.ESESSION, "a signed-in staff session of this window is required (" + SessionHeader + "): " + err.Error()
		}
		return p, statusOf(err), app.ErrorCode(err), "internal error"
	}
	p.session, p.lead = &sess, s.staff[sess.Staff].Lead
	if p.lead {
		return p, 0, "", ""
	}
	switch rule.Scope {
	case ScopeWindow:
		if id, err := strconv.Atoi(r.PathValue("id")); err == nil && id != sess.Window {
			return p, http.StatusForbidden, app.EFORBIDDEN, fmt.Sprintf("the session is for window %d, not window %d", sess.Window, id)
		}
	case ScopeCase:
		cw, ok := s.hall.(caseWindows)
		if !ok {
			return p, http.StatusNotImplemented, app.ENOTIMPLEMENTED, "this hub cannot tell which window holds a case"
		}
		at, err := cw.CaseAtWindow(r.Context(), sess.Window, r.PathValue("code"))
		if err != nil && app.ErrorCode(err) != app.EINVALID {
			return p, statusOf(err), app.ErrorCode(err), "internal error"
		}
		if !at {
			return p, http.StatusForbidden, app.EFORBIDDEN, fmt.Sprintf("the case is not at window %d", sess.Window)
		}
	}
	return p, 0, "", ""
}

// serve runs h and answers its error as JSON.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h func(w http.ResponseWriter, r *http.Request) error) {
	if err := h(w, r); err != nil {
		s.fail(w, r, err)
	}
}

// ServeHTTP implements http.Handler. Every answer the hub gives is its own, in JSON: an unclean
// path is refused (never redirected), an unknown path is 404 and a known path with another
// method 405, each with {"error", "code"}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "" || p[0] != '/' || path.Clean(p) != p {
		writeError(w, http.StatusBadRequest, app.EINVALID, "the path is not clean")
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pt := s.mux.Handler(probe); pt != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here")
			return
		}
		writeError(w, http.StatusNotFound, app.ENOTFOUND, "no such endpoint")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// RuleRow returns a route as a row of the role × endpoint table in docs/api.md.
func RuleRow(rt Route) string {
	mark := func(ok bool) string {
		if ok {
			return "✔"
		}
		return "–"
	}
	cells := []string{"`" + rt.Pattern + "`"}
	for _, role := range app.Roles {
		cells = append(cells, mark(rt.Rule.Public || rt.Rule.Allows(role)))
	}
	session, scope := "–", rt.Rule.Scope
	if scope == ScopeNone {
		scope = "–"
	}
	if rt.Rule.Session {
		session = "window"
	}
	if rt.Rule.Public {
		session = "none (no token)"
	}
	cells = append(cells, session, scope)
	return "| " + strings.Join(cells, " | ") + " |"
}
