// Package hub serves a hall's queue (app.Hall) over HTTP on the hall's LAN, and provides the
// client that the kiosk, window consoles, display and rating pad use to reach it.
//
// Every call needs "Authorization: Bearer <token>"; each token carries one role, and a role may
// make only its own calls. State-changing calls accept an Idempotency-Key header. Errors are JSON:
// {"error": "...", "code": "..."}. docs/api.md documents every endpoint.
package hub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// Roles of hub tokens.
const (
	RoleKiosk   = "kiosk"
	RoleWindow  = "window"
	RoleDisplay = "display"
	RoleRating  = "rating"
)

// Server is the hub's HTTP handler.
type Server struct {
	hall   app.Hall
	tokens map[string]string // token → role
	mux    *http.ServeMux
	log    *slog.Logger

	syncStatus func(ctx context.Context) (SyncState, error)
}

// NewServer returns a handler serving hall to clients holding one of tokens (token → role).
func NewServer(hall app.Hall, tokens map[string]string, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{hall: hall, tokens: tokens, mux: http.NewServeMux(), log: log}
	s.routes()
	return s
}

const (
	anyRole     = "kiosk,window,display,rating"
	kioskWindow = "kiosk,window"
)

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n")
	})
	s.handle("GET /api/v1/hall", anyRole, s.info)
	s.handle("GET /api/v1/queue", anyRole, s.queue)
	s.handle("GET /api/v1/events", anyRole, s.events)
	s.handle("POST /api/v1/tickets", kioskWindow, s.issue)
	s.handle("GET /api/v1/cases/{code}", kioskWindow, s.getCase)
	s.handle("POST /api/v1/cases/lookup", kioskWindow, s.lookupCases)
	s.handle("POST /api/v1/cases/{code}/status", RoleWindow, s.changeCase)
	s.handle("POST /api/v1/cases/{code}/followups", RoleWindow, s.followUp)
	s.handle("POST /api/v1/cases/{code}/escalate", RoleWindow, s.escalate)
	s.handle("GET /api/v1/sync", RoleWindow, s.syncState)
	s.handle("POST /api/v1/help", RoleKiosk, s.requestHelp)
	s.handle("GET /api/v1/help", RoleWindow, s.openHelp)
	s.handle("POST /api/v1/help/{id}/take", RoleWindow, s.takeHelp)
	s.consoleRoutes()

	win := func(action string, fn func(ctx context.Context, window int, r *http.Request) (app.Ticket, error)) {
		s.handle("POST /api/v1/windows/{id}/"+action, RoleWindow, func(w http.ResponseWriter, r *http.Request) error {
			id, err := strconv.Atoi(r.PathValue("id"))
			if err != nil || id <= 0 {
				return app.Errorf(app.EINVALID, "window id must be a positive number")
			}
			tk, err := fn(r.Context(), id, r)
			if app.ErrorCode(err) == app.ENONE {
				w.WriteHeader(http.StatusNoContent)
				return nil
			}
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusOK, tk)
		})
	}
	win("call", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return s.hall.Call(ctx, id) })
	win("call-number", func(ctx context.Context, id int, r *http.Request) (app.Ticket, error) {
		var body struct {
			Label string `json:"label"`
		}
		if err := readJSON(r, &body); err != nil {
			return app.Ticket{}, err
		}
		return s.hall.CallNumber(ctx, id, strings.ToUpper(strings.TrimSpace(body.Label)))
	})
	win("recall", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return s.hall.Recall(ctx, id) })
	win("skip", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return s.hall.Skip(ctx, id) })
	win("transfer", func(ctx context.Context, id int, r *http.Request) (app.Ticket, error) {
		var body struct {
			Service string `json:"service"`
		}
		if err := readJSON(r, &body); err != nil {
			return app.Ticket{}, err
		}
		return s.hall.Transfer(ctx, id, body.Service)
	})
	win("hold", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return s.hall.Hold(ctx, id) })
	win("resume", func(ctx context.Context, id int, r *http.Request) (app.Ticket, error) {
		var body struct {
			Label string `json:"label"`
		}
		if err := readJSON(r, &body); err != nil {
			return app.Ticket{}, err
		}
		return s.hall.Resume(ctx, id, strings.ToUpper(strings.TrimSpace(body.Label)))
	})
	win("start", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return s.hall.Start(ctx, id) })
	win("complete", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) {
		return s.hall.Complete(ctx, id)
	})
	for _, p := range []struct {
		action string
		paused bool
	}{{"pause", true}, {"unpause", false}} {
		s.handle("POST /api/v1/windows/{id}/"+p.action, RoleWindow, func(w http.ResponseWriter, r *http.Request) error {
			id, err := strconv.Atoi(r.PathValue("id"))
			if err != nil || id <= 0 {
				return app.Errorf(app.EINVALID, "window id must be a positive number")
			}
			st, err := s.hall.SetPaused(r.Context(), id, p.paused)
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusOK, st)
		})
	}
}

// handle registers an authenticated handler for the roles listed (comma-separated).
func (s *Server) handle(pattern, roles string, h func(w http.ResponseWriter, r *http.Request) error) {
	allowed := strings.Split(roles, ",")
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		role, ok := s.authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fengqiao"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required")
			return
		}
		permitted := false
		for _, a := range allowed {
			permitted = permitted || a == role
		}
		if !permitted {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("the %s role may not make this call", role))
			return
		}
		ctx := r.Context()
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost {
			if len(key) > 200 {
				writeError(w, http.StatusBadRequest, app.EINVALID, "Idempotency-Key is too long")
				return
			}
			req, err := idempotentRequest(r, role+":"+key)
			if err != nil {
				writeError(w, http.StatusBadRequest, app.EINVALID, err.Error())
				return
			}
			ctx = app.WithIdempotency(ctx, req)
		}
		ctx = context.WithValue(ctx, roleKey{}, role)
		err := h(w, r.WithContext(ctx))
		if err != nil {
			status := statusOf(err)
			code := app.ErrorCode(err)
			msg := err.Error()
			if status >= 500 {
				s.log.Error("hub request failed", "method", r.Method, "path", r.URL.Path, "err", err)
				msg = "internal error"
			}
			writeError(w, status, code, msg)
		}
		if d := time.Since(start); d > time.Second && r.URL.Path != "/api/v1/events" {
			s.log.Warn("slow hub request", "method", r.Method, "path", r.URL.Path, "duration", d)
		}
	})
}

// idempotentRequest reads the request's body (handing a copy back to the handler) and returns what
// a repeat under the same key must match: method, path and the body's SHA-256.
func idempotentRequest(r *http.Request, key string) (app.IdempotentRequest, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return app.IdempotentRequest{}, fmt.Errorf("read request body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	return app.IdempotentRequest{Key: key, Method: r.Method, Path: r.URL.Path, BodySHA256: hex.EncodeToString(sum[:])}, nil
}

type roleKey struct{}

func roleOf(ctx context.Context) string {
	r, _ := ctx.Value(roleKey{}).(string)
	return r
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return "", false
	}
	role, ok := s.tokens[token]
	return role, ok
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func statusOf(err error) int {
	switch app.ErrorCode(err) {
	case app.EINVALID:
		return http.StatusBadRequest
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.ENOTOWNER:
		return http.StatusForbidden
	case app.ECONFLICT, app.ECLOSED, app.ETRANSITION, app.EPAUSED, app.ELIMIT:
		return http.StatusConflict
	case app.EIDEMPOTENCY:
		return http.StatusUnprocessableEntity
	case app.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	if errors.Is(err, context.Canceled) {
		return 499
	}
	return http.StatusInternalServerError
}

// maxBody bounds request bodies; no call needs more.
const maxBody = 64 << 10

func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return app.Errorf(app.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return app.Errorf(app.EINVALID, "request body is empty; JSON expected")
		}
		return app.Errorf(app.EINVALID, "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return app.Errorf(app.EINVALID, "request body holds more than one JSON value")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Error: msg, Code: code})
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) error {
	info, err := s.hall.Info(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, info)
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request) error {
	q, err := s.hall.Queue(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, q)
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request) error {
	var req app.IssueRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Priority == app.PriorityStaff && roleOf(r.Context()) != RoleWindow {
		return app.Errorf(app.EINVALID, "only staff may set staff priority")
	}
	tk, err := s.hall.Issue(r.Context(), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tk)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.hall.Case(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// LookupRequest asks for a visitor's open cases. The ID number travels in the body, never in a URL.
type LookupRequest struct {
	IDNumber string `json:"id_number"`
}

func (s *Server) lookupCases(w http.ResponseWriter, r *http.Request) error {
	var req LookupRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	cases, err := s.hall.OpenCases(r.Context(), req.IDNumber)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cases)
}

func (s *Server) changeCase(w http.ResponseWriter, r *http.Request) error {
	var change app.CaseChange
	if err := readJSON(r, &change); err != nil {
		return err
	}
	c, err := s.hall.ChangeCase(r.Context(), r.PathValue("code"), change)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// NoteRequest is the body of a follow-up or an escalation.
type NoteRequest struct {
	Note string `json:"note"`
	By   string `json:"by"`
}

func (s *Server) followUp(w http.ResponseWriter, r *http.Request) error {
	var req NoteRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	c, err := s.hall.AddFollowUp(r.Context(), r.PathValue("code"), req.Note, req.By)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) escalate(w http.ResponseWriter, r *http.Request) error {
	var req NoteRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	c, err := s.hall.Escalate(r.Context(), r.PathValue("code"), req.Note, req.By)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// eventLog is what the event stream needs of a hall beyond app.Hall: the epoch of its event log
// and its newest event id. store.Hall provides it; without it event ids go out plain and a
// Last-Event-ID is taken as it is.
type eventLog interface {
	Epoch() string
	LastEventID(ctx context.Context) (int64, error)
}

// clientSeen is what a restored hall does with a client's Last-Event-ID of an earlier epoch:
// store.Hall counts the events the client saw that never reached the centre as lost, and keeps
// their ticket numbers from being issued again.
type clientSeen interface {
	NoteClientSeen(ctx context.Context, epoch string, id int64) error
}

func (s *Server) noteClientSeen(r *http.Request, epoch, id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	cs, ok := s.hall.(clientSeen)
	if err != nil || !ok {
		return
	}
	if err := cs.NoteClientSeen(r.Context(), epoch, n); err != nil {
		s.log.WarnContext(r.Context(), "record a client's last event", "err", err)
	}
}

// resumeAfter works out where a client's stream resumes: after the event id it last saw (the
// Last-Event-ID header or ?after=). It returns reset when the id cannot be resumed from — another
// epoch, unreadable, or beyond the newest event — and the stream then starts at the newest event.
func (s *Server) resumeAfter(r *http.Request) (after int64, reset bool, err error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	log, ok := s.hall.(eventLog)
	if !ok {
		after, _ = strconv.ParseInt(v, 10, 64)
		return after, false, nil
	}
	if v == "" {
		return 0, false, nil // only new events
	}
	newest, err := log.LastEventID(r.Context())
	if err != nil {
		return 0, false, err
	}
	num := v // a plain id, from before epochs: accepted for one release
	if epoch, id, found := strings.Cut(v, "-"); found {
		if epoch != log.Epoch() {
			s.noteClientSeen(r, epoch, id)
			return newest, true, nil
		}
		num = id
	}
	after, perr := strconv.ParseInt(num, 10, 64)
	if perr != nil || after < 0 || after > newest {
		return newest, true, nil
	}
	return after, false, nil
}

// events streams every committed change as server-sent events, with ids "<epoch>-<id>". A client
// that reconnects sends Last-Event-ID (or ?after=) and first receives everything it missed, each
// marked "replayed"; when its id cannot be resumed from it receives a reset event instead.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return errors.New("streaming unsupported")
	}
	after, reset, err := s.resumeAfter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ch, err := s.hall.Subscribe(ctx, after)
	if err != nil {
		return err
	}
	epoch := ""
	if log, ok := s.hall.(eventLog); ok {
		epoch = log.Epoch() + "-"
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "retry: 1000\n: connected\n\n")
	if reset {
		b, _ := json.Marshal(app.Event{ID: after, At: time.Now().UTC(), Kind: app.EventStreamReset})
		fmt.Fprintf(w, "id: %s%d\nevent: reset\ndata: %s\n\n", epoch, after, b)
	}
	flusher.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			if role := roleOf(ctx); role == RoleDisplay || role == RoleRating {
				// Public screens get no identity at all, not even masked.
				if ev.Case != nil {
					c := *ev.Case
					c.Visitor = nil
					ev.Case = &c
				}
			}
			b, err := json.Marshal(ev)
			if err != nil {
				return nil
			}
			fmt.Fprintf(w, "id: %s%d\nevent: %s\ndata: %s\n\n", epoch, ev.ID, ev.Kind, b)
			if len(ch) == 0 {
				flusher.Flush()
			}
		case <-keepalive.C:
			io.WriteString(w, ": keepalive\n\n")
			flusher.Flush()
		case <-ctx.Done():
			return nil
		}
	}
}

// HelpRequest is the body of a help alert.
type HelpRequest struct {
	Source string `json:"source"`
}

func (s *Server) requestHelp(w http.ResponseWriter, r *http.Request) error {
	var req HelpRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	a, err := s.hall.RequestHelp(r.Context(), req.Source)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) openHelp(w http.ResponseWriter, r *http.Request) error {
	alerts, err := s.hall.OpenHelp(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, alerts)
}

// TakeRequest names who takes a help alert.
type TakeRequest struct {
	By string `json:"by"`
}

func (s *Server) takeHelp(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.Errorf(app.EINVALID, "alert id must be a number")
	}
	var req TakeRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	a, err := s.hall.TakeHelp(r.Context(), id, req.By)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}
