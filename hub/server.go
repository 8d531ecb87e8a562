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

// Server is the hub's HTTP handler.
type Server struct {
	hall   app.Hall
	tokens map[string]app.Role // token → role
	mux    *http.ServeMux
	table  []Route
	staff  map[string]StaffMember // by name
	log    *slog.Logger

	syncStatus func(ctx context.Context) (SyncState, error)
}

// StaffMember is what the hub knows of a staff member beyond the sign-in: the 工号 the display
// and rating pad show, and whether they lead the hall (a lead may act on every window and case).
type StaffMember struct {
	Name string
	ID   string
	Lead bool
}

// NewServer returns a handler serving hall to clients holding one of tokens (token → role).
// Window actions need staff sessions, which hall provides when it is a store.Console.
func NewServer(hall app.Hall, tokens map[string]app.Role, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{hall: hall, tokens: tokens, mux: http.NewServeMux(), staff: map[string]StaffMember{}, log: log}
	s.routes()
	return s
}

// SetStaff tells the hub the hall's staff: their 工号 and who leads.
func (s *Server) SetStaff(staff []StaffMember) {
	s.staff = make(map[string]StaffMember, len(staff))
	for _, m := range staff {
		s.staff[m.Name] = m
	}
}

func (s *Server) routes() {
	s.route("GET /healthz", Rule{Public: true}, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain")
		_, err := io.WriteString(w, "ok\n")
		return err
	})
	s.route("GET /api/v1/hall", Rule{Roles: anyone}, s.info)
	s.route("GET /api/v1/queue", Rule{Roles: anyone}, s.queue)
	s.route("GET /api/v1/events", Rule{Roles: anyone}, s.events)
	s.route("POST /api/v1/tickets", Rule{Roles: kioskWindow}, s.issue)
	s.route("GET /api/v1/cases/{code}", Rule{Roles: kioskWindow, Session: true}, s.getCase)
	s.route("POST /api/v1/cases/lookup", Rule{Roles: kioskWindow, Session: true}, s.lookupCases)
	s.route("GET /api/v1/cases/handed", Rule{Roles: windowOnly, Session: true}, s.handedCases)
	s.route("POST /api/v1/cases/{code}/status", caseRule, s.changeCase)
	s.route("POST /api/v1/cases/{code}/followups", caseRule, s.followUp)
	s.route("POST /api/v1/cases/{code}/escalate", caseRule, s.escalate)
	s.route("GET /api/v1/sync", Rule{Roles: windowOnly}, s.syncState)
	s.route("POST /api/v1/help", Rule{Roles: []app.Role{app.RoleKiosk}}, s.requestHelp)
	s.route("GET /api/v1/help", Rule{Roles: windowOnly}, s.openHelp)
	s.route("POST /api/v1/help/{id}/take", Rule{Roles: windowOnly, Session: true}, s.takeHelp)
	s.consoleRoutes()
	s.bookingRoutes()

	win := func(action string, fn func(ctx context.Context, window int, r *http.Request) (app.Ticket, error)) {
		s.route("POST /api/v1/windows/{id}/"+action, staffRule, func(w http.ResponseWriter, r *http.Request) error {
			id, err := windowID(r)
			if err != nil {
				return err
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
	labelled := func(act func(ctx context.Context, window int, label string) (app.Ticket, error)) func(context.Context, int, *http.Request) (app.Ticket, error) {
		return func(ctx context.Context, id int, r *http.Request) (app.Ticket, error) {
			var body struct {
				Label string `json:"label"`
			}
			if err := readJSON(r, &body); err != nil {
				return app.Ticket{}, err
			}
			return act(ctx, id, strings.ToUpper(strings.TrimSpace(body.Label)))
		}
	}
	bare := func(act func(ctx context.Context, window int) (app.Ticket, error)) func(context.Context, int, *http.Request) (app.Ticket, error) {
		return func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) { return act(ctx, id) }
	}
	win("call", bare(s.hall.Call))
	win("call-number", labelled(s.hall.CallNumber))
	win("recall", bare(s.hall.Recall))
	win("skip", bare(s.hall.Skip))
	win("transfer", func(ctx context.Context, id int, r *http.Request) (app.Ticket, error) {
		var body struct {
			Service string `json:"service"`
		}
		if err := readJSON(r, &body); err != nil {
			return app.Ticket{}, err
		}
		return s.hall.Transfer(ctx, id, body.Service)
	})
	win("hold", bare(s.hall.Hold))
	win("resume", labelled(s.hall.Resume))
	win("start", bare(s.hall.Start))
	win("complete", bare(s.hall.Complete))
	win("confirm-priority", func(ctx context.Context, id int, _ *http.Request) (app.Ticket, error) {
		pc, ok := s.hall.(priorityConfirmer)
		if !ok {
			return app.Ticket{}, app.Errorf(app.EINVALID, "this hub cannot confirm priorities")
		}
		return pc.ConfirmPriority(ctx, id)
	})
	for _, p := range []struct {
		action string
		paused bool
	}{{"pause", true}, {"unpause", false}} {
		s.route("POST /api/v1/windows/{id}/"+p.action, staffRule, func(w http.ResponseWriter, r *http.Request) error {
			id, err := windowID(r)
			if err != nil {
				return err
			}
			st, err := s.hall.SetPaused(r.Context(), id, p.paused)
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusOK, st)
		})
	}
}

// priorityConfirmer confirms the priority of a window's current ticket: store.Hall.
type priorityConfirmer interface {
	ConfirmPriority(ctx context.Context, window int) (app.Ticket, error)
}

func windowID(r *http.Request) (int, error) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.EINVALID, "window id must be a positive number")
	}
	return id, nil
}

// fail answers err as JSON, with the status its code calls for.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, app.ETOOLARGE, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
		return
	}
	status := statusOf(err)
	code := app.ErrorCode(err)
	msg := err.Error()
	if status >= 500 {
		s.log.Error("hub request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	writeError(w, status, code, msg)
}

// idempotentRequest reads the request's body (handing a copy back to the handler) and returns what
// a repeat under the same key must match: method, path and the body's SHA-256.
func idempotentRequest(r *http.Request, key string) (app.IdempotentRequest, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return app.IdempotentRequest{}, fmt.Errorf("read request body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	return app.IdempotentRequest{Key: key, Method: r.Method, Path: r.URL.Path, BodySHA256: hex.EncodeToString(sum[:])}, nil
}

func (s *Server) authenticate(r *http.Request) (app.Role, bool) {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return "", false
	}
	role, ok := s.tokens[token]
	return role, ok
}

// statusOf is the HTTP status of err: app.HTTPStatus of its code, 499 for a client that went away.
func statusOf(err error) int {
	if errors.Is(err, context.Canceled) {
		return 499
	}
	return app.HTTPStatus(app.ErrorCode(err))
}

func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return app.Errorf(app.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
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
	if req.Priority == app.PriorityStaff && staffName(r.Context()) == "" {
		return app.Errorf(app.EINVALID, "only a signed-in window ("+SessionHeader+") may grant staff priority")
	}
	if err := app.CheckLine("category", req.Category, app.MaxShortText); err != nil {
		return err
	}
	if req.Visitor != nil {
		if err := req.Visitor.Check(); err != nil {
			return err
		}
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
	if err := change.Check(); err != nil {
		return err
	}
	change.By = staffName(r.Context()) // never the body's
	c, err := s.hall.ChangeCase(r.Context(), r.PathValue("code"), change)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// NoteRequest is the body of a follow-up or an escalation. By is ignored: the history names the
// staff member of the session making the call.
type NoteRequest struct {
	Note string `json:"note"`
	By   string `json:"by,omitempty"`
}

// readNote reads a NoteRequest and checks its note.
func readNote(r *http.Request) (string, error) {
	var req NoteRequest
	if err := readJSON(r, &req); err != nil {
		return "", err
	}
	return req.Note, app.CheckText("note", req.Note, app.MaxText)
}

func (s *Server) followUp(w http.ResponseWriter, r *http.Request) error {
	note, err := readNote(r)
	if err != nil {
		return err
	}
	c, err := s.hall.AddFollowUp(r.Context(), r.PathValue("code"), note, staffName(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) escalate(w http.ResponseWriter, r *http.Request) error {
	note, err := readNote(r)
	if err != nil {
		return err
	}
	c, err := s.hall.Escalate(r.Context(), r.PathValue("code"), note, staffName(r.Context()))
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
	role := roleOf(ctx)
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
			ev = s.project(ctx, role, ev)
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
	if err := app.CheckLine("source", req.Source, app.MaxShortText); err != nil {
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

// TakeRequest is the body of taking a help alert. By is ignored: the alert is taken in the name
// of the session's staff member.
type TakeRequest struct {
	By string `json:"by,omitempty"`
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
	a, err := s.hall.TakeHelp(r.Context(), id, staffName(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}
