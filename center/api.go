package center

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// Server is the centre's HTTP API: the sync endpoints used by the halls, the case endpoints
// used by centre staff, the residents' tracking page and the staff dashboard. Every endpoint is
// registered with its Rule (see Routes and docs/centre.md).
type Server struct {
	store  WebStore
	web    WebStore
	log    *slog.Logger
	mux    *http.ServeMux
	routes []Route

	tmpl         *template.Template
	now          func() time.Time
	loc          *time.Location
	services     []app.Service
	centre       string
	centrePhone  string
	trackLimit   *limiter
	loginLimit   *limiter
	lockout      Lockout
	contactLimit time.Duration // see WithContactLimit
	secure       bool
	trustProxy   bool
	townSite     string   // the town hall's site name (WithTownSite)
	orgs         []string // mediation organisations (WithMediationOrgs)
	groupParties int      // parties of a 群体性 dispute (WithWarning)
	hashing      bool     // the store hashes ID numbers: repeat visitors are matched (WithWarning)

	overdueMemo overdueMemo // the regions' overdue pages this node found lately (WithOverdueMemo)
	pulls       pullMarks   // when this node last recorded each site's pull
	siteTokens  siteTokens  // the halls' tokens this node checked lately

	phone      PhoneStore           // the phone app's store, nil when the store keeps no grids
	phoneShell map[string]phoneFile // the phone app's static files
}

// NewServer returns the centre's server over st. log may be nil for slog.Default().
func NewServer(st WebStore, log *slog.Logger, opts ...Option) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{store: st, web: st, log: log, mux: http.NewServeMux()}
	s.setupWeb(opts)
	push := siteToken()
	push.MaxBody = pushBody
	s.route("GET /healthz", public(), func(w http.ResponseWriter, r *http.Request, _ visit) { w.Write([]byte("ok\n")) })
	s.route("POST /api/v1/sync/events", push, s.push)
	s.route("GET /api/v1/sync/changes", siteToken(), s.changes)
	s.route("GET /api/v1/sync/recover", siteToken(), s.recover)
	s.route("GET /api/v1/cases/{code}", token(readers, OwnSite), s.getCase)
	s.route("POST /api/v1/cases/{code}/changes", token(writers, OwnSite), s.changeCase)
	s.route("POST /api/v1/cases/{code}/followups", token(writers, OwnSite), s.addFollowUp)
	s.route("POST /api/v1/cases/{code}/handover", token(writers, OwnSite), s.handover)
	s.routeWeb()
	return s
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, v visit) {
	site := *v.Site
	var req wire.PushRequest
	if err := decodeBody(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := validCatalogue(req.Catalogue); err != nil {
		s.fail(w, r, err)
		return
	}
	// One transaction: the events, the high-water mark and the contact. The events table keeps
	// each event with its site and time of receipt, so a push needs no audit line of its own.
	reply, err := s.store.ApplyBatch(r.Context(), site.ID, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.DebugContext(r.Context(), "push", "site", site.ID, "events", len(req.Events), "applied", reply.Applied,
		"applied_through", reply.AppliedThrough)
	writeJSON(w, http.StatusOK, reply)
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request, v visit) {
	site := *v.Site
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if err != nil || after < 0 {
		s.fail(w, r, app.Errorf(app.EINVALID, "after must be a sequence number"))
		return
	}
	limit := 100
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > wire.MaxBatch {
			s.fail(w, r, app.Errorf(app.EINVALID, "limit must be between 1 and %d", wire.MaxBatch))
			return
		}
	}
	changes, err := s.store.Changes(r.Context(), site.ID, after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if now := s.now(); s.pulls.due(site.ID, now) {
		if err := s.web.RecordContact(r.Context(), site.ID, Contact{At: now, Pull: true}); err != nil {
			s.pulls.forget(site.ID)
			s.fail(w, r, err)
			return
		}
	}
	if changes == nil {
		changes = []wire.Change{}
	}
	writeJSON(w, http.StatusOK, wire.ChangesReply{Changes: changes})
}

// EpochHeader carries the hall's epoch on GET /api/v1/sync/recover.
const EpochHeader = "Fengqiao-Epoch"

// recover serves a restored or rebuilt hall the site's events after ?after= (and the changes
// above ?pulled= it had already applied), a page of ?limit= (default and most wire.MaxBatch).
func (s *Server) recover(w http.ResponseWriter, r *http.Request, v visit) {
	site := *v.Site
	q := r.URL.Query()
	after, err1 := strconv.ParseInt(q.Get("after"), 10, 64)
	pulled, err2 := strconv.ParseInt(cmp.Or(q.Get("pulled"), "0"), 10, 64)
	limit, err3 := strconv.Atoi(cmp.Or(q.Get("limit"), strconv.Itoa(wire.MaxBatch)))
	if err1 != nil || err2 != nil || err3 != nil || after < 0 || pulled < 0 || limit < 1 || limit > wire.MaxBatch {
		s.fail(w, r, app.Errorf(app.EINVALID, "after and pulled must be ids, limit between 1 and %d", wire.MaxBatch))
		return
	}
	reply, err := s.store.Recover(r.Context(), site.ID, r.Header.Get(EpochHeader), after, pulled, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "recover", "site", site.ID, "after", after, "events", len(reply.Events),
		"applied_through", reply.AppliedThrough)
	s.audit(r, v, "sync.recover", AuditEntry{Site: site.ID})
	writeJSON(w, http.StatusOK, reply)
}

// scopedCase returns the canonical code of a case the user's scope includes (the site that opened
// it, or the site it was handed to), and the site that opened it. A case out of scope is answered
// exactly like one that does not exist.
func (s *Server) scopedCase(r *http.Request, u User) (string, int64, error) {
	code, err := app.ParseCaseCode(r.PathValue("code"))
	if err != nil {
		return "", 0, app.Errorf(app.ENOTFOUND, "no such case")
	}
	work, err := s.store.CaseWork(r.Context(), code)
	if err == nil && !work.InScope(u.Scope()) {
		err = app.Errorf(app.ENOTFOUND, "no such case")
	}
	return code, work.Site, err
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, v visit) {
	code, site, err := s.scopedCase(r, v.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.Case(r.Context(), code)
	if err == nil {
		s.audit(r, v, "case.view", AuditEntry{Case: code, Site: site})
	}
	s.reply(w, r, c, err)
}

func (s *Server) changeCase(w http.ResponseWriter, r *http.Request, v visit) {
	var ch app.CaseChange
	if err := decodeBody(r, &ch); err != nil {
		s.fail(w, r, err)
		return
	}
	if ch.By != "" {
		s.fail(w, r, app.Errorf(app.EBYNOTALLOWED, "by is taken from the token, not the body"))
		return
	}
	if err := ValidChange(ch); err != nil {
		s.fail(w, r, err)
		return
	}
	ch.By = v.User.Name
	code, site, err := s.scopedCase(r, v.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.ChangeCase(r.Context(), code, ch)
	if err == nil {
		s.audit(r, v, "case.change", AuditEntry{Case: code, Site: site})
	}
	s.reply(w, r, c, err)
}

// FollowUpRequest is the body of POST /api/v1/cases/{code}/followups.
type FollowUpRequest struct {
	Note string `json:"note"`
	By   string `json:"by,omitempty"` // refused (by_not_allowed): the author is the token's user
}

func (s *Server) addFollowUp(w http.ResponseWriter, r *http.Request, v visit) {
	var req FollowUpRequest
	if err := decodeBody(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.By != "" {
		s.fail(w, r, app.Errorf(app.EBYNOTALLOWED, "by is taken from the token, not the body"))
		return
	}
	if err := ValidText("note", req.Note, MaxNote); err != nil {
		s.fail(w, r, err)
		return
	}
	code, site, err := s.scopedCase(r, v.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.AddFollowUp(r.Context(), code, req.Note, v.User.Name)
	if err == nil {
		s.audit(r, v, "case.followup", AuditEntry{Case: code, Site: site})
	}
	s.reply(w, r, c, err)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, c Case, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// audit records what a visitor did, with their address. A failure to record is logged: the
// action has happened already.
func (s *Server) audit(r *http.Request, v visit, action string, e AuditEntry) {
	e.At, e.Principal, e.Action, e.Address = s.now(), v.principal(), action, s.clientIP(r)
	if err := s.store.Audit(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "audit", "action", action, "err", err)
	}
}

// decodeBody reads one JSON value, refusing unknown fields and trailing data.
// The body is already capped by the route's rule.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return app.Errorf(app.ETOOLARGE, "request body: too large")
		}
		return app.Errorf(app.EINVALID, "request body: %v", err)
	}
	if dec.More() {
		return app.Errorf(app.EINVALID, "request body: more than one JSON value")
	}
	return nil
}

// fail writes err as a wire.ErrorReply. Internal errors are logged and not shown to the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := app.ErrorCode(err)
	msg := err.Error()
	if code == app.EINTERNAL {
		if errors.Is(err, context.Canceled) {
			return // the client went away
		}
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	if code == app.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fengqiao-center"`)
	}
	if code == app.EUNAVAILABLE {
		// The database cannot be reached or written (a failover): log the cause, answer 503.
		s.log.WarnContext(r.Context(), "request failed: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "the centre's database is unavailable; retry later"
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, app.HTTPStatus(code), wire.ErrorReply{Error: msg, Code: code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
