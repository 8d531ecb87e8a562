package center

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// maxBody bounds a request body; a full batch of events is far below it.
const maxBody = 32 << 20

// Server is the centre's HTTP API: the sync endpoints used by the halls and the case endpoints
// used by centre staff. Every endpoint but /healthz needs a bearer token.
type Server struct {
	store Store
	log   *slog.Logger
	mux   *http.ServeMux

	// The web pages, mounted when the store is a WebStore (see web.go).
	web         WebStore
	tmpl        *template.Template
	now         func() time.Time
	loc         *time.Location
	services    []app.Service
	centre      string
	centrePhone string
	trackLimit  *limiter
	loginLimit  *limiter
	secure      bool
	trustProxy  bool
}

// NewServer returns the API over st. log may be nil for slog.Default(). When st is also a
// WebStore the server serves the residents' tracking page (/t/{code}) and the staff dashboard
// (/dashboard) too, configured by opts.
func NewServer(st Store, log *slog.Logger, opts ...Option) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{store: st, log: log, mux: http.NewServeMux()}
	s.setupWeb(opts)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("POST /api/v1/sync/events", s.site(s.push))
	s.mux.HandleFunc("GET /api/v1/sync/changes", s.site(s.changes))
	s.mux.HandleFunc("GET /api/v1/cases/{code}", s.staff(s.getCase))
	s.mux.HandleFunc("POST /api/v1/cases/{code}/changes", s.staff(s.changeCase))
	s.mux.HandleFunc("POST /api/v1/cases/{code}/followups", s.staff(s.addFollowUp))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// authenticate returns the principal of the request's bearer token.
func (s *Server) authenticate(r *http.Request) (Principal, error) {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return Principal{}, app.Errorf(EUNAUTHORIZED, "an Authorization: Bearer token is required")
	}
	return s.store.Authenticate(r.Context(), HashToken(strings.TrimSpace(token)))
}

// site wraps a handler for the halls' endpoints.
func (s *Server) site(h func(w http.ResponseWriter, r *http.Request, site Site)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Site == nil {
			s.fail(w, r, app.Errorf(EFORBIDDEN, "this endpoint is for hall (site) tokens"))
			return
		}
		h(w, r, *p.Site)
	}
}

// staff wraps a handler for the centre users' endpoints.
func (s *Server) staff(h func(w http.ResponseWriter, r *http.Request, user string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p.User == "" {
			s.fail(w, r, app.Errorf(EFORBIDDEN, "this endpoint is for centre user tokens"))
			return
		}
		h(w, r, p.User)
	}
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, site Site) {
	var req wire.PushRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	reply, err := s.store.ApplyBatch(r.Context(), site.ID, req.Events)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.DebugContext(r.Context(), "push", "site", site.ID, "events", len(req.Events), "applied", reply.Applied,
		"applied_through", reply.AppliedThrough)
	writeJSON(w, http.StatusOK, reply)
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request, site Site) {
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
	if changes == nil {
		changes = []wire.Change{}
	}
	writeJSON(w, http.StatusOK, wire.ChangesReply{Changes: changes})
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, _ string) {
	c, err := s.store.Case(r.Context(), r.PathValue("code"))
	s.reply(w, r, c, err)
}

func (s *Server) changeCase(w http.ResponseWriter, r *http.Request, user string) {
	var ch app.CaseChange
	if err := decodeBody(w, r, &ch); err != nil {
		s.fail(w, r, err)
		return
	}
	if ch.By == "" {
		ch.By = user
	}
	c, err := s.store.ChangeCase(r.Context(), r.PathValue("code"), ch)
	s.reply(w, r, c, err)
}

// FollowUpRequest is the body of POST /api/v1/cases/{code}/followups.
type FollowUpRequest struct {
	Note string `json:"note"`
	By   string `json:"by,omitempty"` // defaults to the user's name
}

func (s *Server) addFollowUp(w http.ResponseWriter, r *http.Request, user string) {
	var req FollowUpRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.By == "" {
		req.By = user
	}
	c, err := s.store.AddFollowUp(r.Context(), r.PathValue("code"), req.Note, req.By)
	s.reply(w, r, c, err)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, c Case, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// decodeBody reads one JSON value, refusing unknown fields and trailing data.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return app.Errorf(app.EINVALID, "request body: %v", err)
	}
	if dec.More() {
		return app.Errorf(app.EINVALID, "request body: more than one JSON value")
	}
	return nil
}

// StatusOf maps an error code to an HTTP status.
func StatusOf(code string) int {
	switch code {
	case app.EINVALID:
		return http.StatusBadRequest
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.ECONFLICT, app.ETRANSITION, app.ENOTOWNER:
		return http.StatusConflict
	case app.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
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
	if code == EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fengqiao-center"`)
	}
	writeJSON(w, StatusOf(code), wire.ErrorReply{Error: msg, Code: code})
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
