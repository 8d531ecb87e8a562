package hub

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"fengqiao/app"
	"fengqiao/internal/backoff"
)

// Client is app.Hall over the hub's HTTP API. Every state change carries a fresh Idempotency-Key
// and is retried with the same key when the network fails, so a retry never acts twice.
//
// After SignIn the client keeps the staff session and sends it (X-Staff-Session) with every call,
// until SignOut: the hub accepts window actions only from the signed-in window.
type Client struct {
	base  string
	token string
	http  *http.Client
	long  *http.Client // no timeout: the event stream is long-lived

	mu      sync.Mutex
	session string
	// Retries is how many times a failed request is retried (network errors and 503 only).
	Retries int
}

var _ app.Hall = (*Client)(nil)

// NewClient returns a client of the hub at base (e.g. http://192.168.1.10:8470) using token.
func NewClient(base, token string) *Client {
	return &Client{
		base:    strings.TrimRight(base, "/"),
		token:   token,
		http:    &http.Client{Timeout: 10 * time.Second},
		long:    &http.Client{},
		Retries: 2,
	}
}

// ErrUnreachable wraps every failure to reach the hub, so screens can say so plainly.
var ErrUnreachable = &app.Error{Code: app.EUNAVAILABLE, Message: "the hub cannot be reached"}

type unreachable struct{ err error }

func (u *unreachable) Error() string { return "hub unreachable: " + u.err.Error() }
func (u *unreachable) Unwrap() []error {
	return []error{ErrUnreachable, u.err}
}

func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Session returns the staff session the client acts for, or "".
func (c *Client) Session() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// SetSession sets the staff session the client acts for ("" for none).
func (c *Client) SetSession(token string) {
	c.mu.Lock()
	c.session = token
	c.mu.Unlock()
}

// do sends one request for the client's staff session and decodes a JSON reply into out (if
// non-nil). It returns the status.
func (c *Client) do(ctx context.Context, method, path string, in, out any) (int, error) {
	return c.doAs(ctx, c.Session(), method, path, in, out)
}

// doAs is do for the given staff session.
func (c *Client) doAs(ctx context.Context, session, method, path string, in, out any) (int, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, fmt.Errorf("encode request: %w", err)
		}
	}
	key := ""
	if method == http.MethodPost {
		key = newKey()
	}
	var lastErr error
	for attempt := 0; attempt <= c.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return 0, fmt.Errorf("build request: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		if session != "" {
			req.Header.Set(SessionHeader, session)
		}
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			lastErr = &unreachable{err}
			continue
		}
		status, err := decode(resp, out)
		if status == http.StatusServiceUnavailable {
			lastErr = err
			continue
		}
		return status, err
	}
	return 0, lastErr
}

func decode(resp *http.Response, out any) (int, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, &unreachable{err}
	}
	if resp.StatusCode >= 400 {
		var e ErrorBody
		if json.Unmarshal(b, &e) == nil && e.Code != "" {
			return resp.StatusCode, &app.Error{Code: e.Code, Message: e.Error}
		}
		return resp.StatusCode, fmt.Errorf("hub answered %s", resp.Status)
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode hub reply: %w", err)
		}
	}
	return resp.StatusCode, nil
}

func (c *Client) ticket(ctx context.Context, path string, in any) (app.Ticket, error) {
	return c.ticketAs(ctx, c.Session(), path, in)
}

func (c *Client) ticketAs(ctx context.Context, session, path string, in any) (app.Ticket, error) {
	var tk app.Ticket
	status, err := c.doAs(ctx, session, http.MethodPost, path, in, &tk)
	if err == nil && status == http.StatusNoContent {
		return tk, app.Errorf(app.ENONE, "nobody is waiting")
	}
	return tk, err
}

func winPath(window int, action string) string {
	return "/api/v1/windows/" + strconv.Itoa(window) + "/" + action
}

// Info implements app.Hall.
func (c *Client) Info(ctx context.Context) (app.Info, error) {
	var i app.Info
	_, err := c.do(ctx, http.MethodGet, "/api/v1/hall", nil, &i)
	return i, err
}

// Issue implements app.Hall.
func (c *Client) Issue(ctx context.Context, req app.IssueRequest) (app.Ticket, error) {
	return c.ticket(ctx, "/api/v1/tickets", req)
}

// Call implements app.Hall.
func (c *Client) Call(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "call"), nil)
}

// CallNumber implements app.Hall.
func (c *Client) CallNumber(ctx context.Context, window int, label string) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "call-number"), map[string]string{"label": label})
}

// Recall implements app.Hall.
func (c *Client) Recall(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "recall"), nil)
}

// Skip implements app.Hall.
func (c *Client) Skip(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "skip"), nil)
}

// Transfer implements app.Hall.
func (c *Client) Transfer(ctx context.Context, window int, service string) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "transfer"), map[string]string{"service": service})
}

// Hold implements app.Hall.
func (c *Client) Hold(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "hold"), nil)
}

// Resume implements app.Hall.
func (c *Client) Resume(ctx context.Context, window int, label string) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "resume"), map[string]string{"label": label})
}

// Start implements app.Hall.
func (c *Client) Start(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "start"), nil)
}

// Complete implements app.Hall.
func (c *Client) Complete(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "complete"), nil)
}

// ConfirmPriority records that the window's staff checked the priority of its current ticket.
func (c *Client) ConfirmPriority(ctx context.Context, window int) (app.Ticket, error) {
	return c.ticket(ctx, winPath(window, "confirm-priority"), nil)
}

// SetPaused implements app.Hall.
func (c *Client) SetPaused(ctx context.Context, window int, paused bool) (app.WindowState, error) {
	action := "unpause"
	if paused {
		action = "pause"
	}
	var st app.WindowState
	_, err := c.do(ctx, http.MethodPost, winPath(window, action), nil, &st)
	return st, err
}

// Queue implements app.Hall.
func (c *Client) Queue(ctx context.Context) (app.QueueStatus, error) {
	var q app.QueueStatus
	_, err := c.do(ctx, http.MethodGet, "/api/v1/queue", nil, &q)
	return q, err
}

// Case implements app.Hall.
func (c *Client) Case(ctx context.Context, code string) (app.Case, error) {
	var k app.Case
	_, err := c.do(ctx, http.MethodGet, "/api/v1/cases/"+url.PathEscape(code), nil, &k)
	return k, err
}

// OpenCases implements app.Hall.
func (c *Client) OpenCases(ctx context.Context, idNumber string) ([]app.Case, error) {
	var cases []app.Case
	_, err := c.do(ctx, http.MethodPost, "/api/v1/cases/lookup", LookupRequest{IDNumber: idNumber}, &cases)
	return cases, err
}

// ChangeCase implements app.Hall.
func (c *Client) ChangeCase(ctx context.Context, code string, change app.CaseChange) (app.Case, error) {
	var k app.Case
	_, err := c.do(ctx, http.MethodPost, "/api/v1/cases/"+url.PathEscape(code)+"/status", change, &k)
	return k, err
}

// AddFollowUp implements app.Hall.
func (c *Client) AddFollowUp(ctx context.Context, code, note, by string) (app.Case, error) {
	var k app.Case
	_, err := c.do(ctx, http.MethodPost, "/api/v1/cases/"+url.PathEscape(code)+"/followups", NoteRequest{Note: note, By: by}, &k)
	return k, err
}

// Escalate implements app.Hall.
func (c *Client) Escalate(ctx context.Context, code, note, by string) (app.Case, error) {
	var k app.Case
	_, err := c.do(ctx, http.MethodPost, "/api/v1/cases/"+url.PathEscape(code)+"/escalate", NoteRequest{Note: note, By: by}, &k)
	return k, err
}

// RequestHelp implements app.Hall.
func (c *Client) RequestHelp(ctx context.Context, source string) (app.HelpAlert, error) {
	var a app.HelpAlert
	_, err := c.do(ctx, http.MethodPost, "/api/v1/help", HelpRequest{Source: source}, &a)
	return a, err
}

// TakeHelp implements app.Hall.
func (c *Client) TakeHelp(ctx context.Context, id int64, by string) (app.HelpAlert, error) {
	var a app.HelpAlert
	_, err := c.do(ctx, http.MethodPost, "/api/v1/help/"+strconv.FormatInt(id, 10)+"/take", TakeRequest{By: by}, &a)
	return a, err
}

// OpenHelp implements app.Hall.
func (c *Client) OpenHelp(ctx context.Context) ([]app.HelpAlert, error) {
	var a []app.HelpAlert
	_, err := c.do(ctx, http.MethodGet, "/api/v1/help", nil, &a)
	return a, err
}

// Subscribe implements app.Hall over server-sent events. It reconnects by itself, resuming after
// the last event it delivered (the stream's own "<epoch>-<id>" event id; after, a plain id, only
// for the first connection), until ctx ends; the channel closes then.
//
// Events the hub replays to catch up have Replayed set. When the hub cannot resume (the hall's
// database was restored or replaced, or after is beyond its newest event) the channel carries an
// event of kind app.EventStreamReset: the subscriber's state may be stale and it reloads it.
func (c *Client) Subscribe(ctx context.Context, after int64) (<-chan app.Event, error) {
	out := make(chan app.Event, 16)
	go func() {
		defer close(out)
		last := ""
		if after > 0 {
			last = strconv.FormatInt(after, 10)
		}
		b := backoff.Backoff{Min: 200 * time.Millisecond, Max: 5 * time.Second}
		for ctx.Err() == nil {
			err := c.stream(ctx, &last, out)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				b.Reset()
			}
			select {
			case <-time.After(b.Wait()):
			case <-ctx.Done():
				return
			}
			b.Fail()
		}
	}()
	return out, nil
}

// stream reads one connection of the event stream, sending each event to out and recording its
// SSE id in *last once it is delivered.
func (c *Client) stream(ctx context.Context, last *string, out chan<- app.Event) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/events", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "text/event-stream")
	if *last != "" {
		req.Header.Set("Last-Event-ID", *last)
	}
	resp, err := c.long.Do(req)
	if err != nil {
		return &unreachable{err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, err := decode(resp, nil)
		return err
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var data []byte
	id := ""
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if len(data) > 0 {
				var ev app.Event
				if err := json.Unmarshal(data, &ev); err == nil {
					select {
					case out <- ev:
					case <-ctx.Done():
						return nil
					}
				}
				data = data[:0]
			}
			if id != "" {
				*last, id = id, ""
			}
		case bytes.HasPrefix(line, []byte("id: ")):
			id = string(line[len("id: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data, line[len("data: "):]...)
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return &unreachable{err}
	}
	return nil
}
