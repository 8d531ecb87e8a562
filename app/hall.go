package app

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Rules are the hall's queue policies.
type Rules struct {
	Location          *time.Location
	ResetAt           int // minutes after local midnight when ticket numbers restart
	Hours             Hours
	ElderlyAge        int // visitors this old or older get priority; 0 disables
	MaxPriorityStreak int // priority calls in a row before a normal ticket's turn
	PerIDLimit        int // tickets per ID number per service per day; 0 disables
	MaxRecalls        int // recalls per ticket
}

// DefaultRules are the rules of a hall with no configuration.
func DefaultRules() Rules {
	loc, err := LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return Rules{Location: loc, ElderlyAge: 70, MaxPriorityStreak: 2, PerIDLimit: 2, MaxRecalls: 3}
}

// locations are the time zones LoadLocation has read, by name.
var locations sync.Map

// LoadLocation is time.LoadLocation, remembering each zone it read: time.LoadLocation reads the
// zone's file every call, which a centre computing the freshness of 3,000 halls per page cannot
// afford. A *time.Location is safe to share.
func LoadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

// Info describes the hall to its clients: who it is, what it serves, where its windows are.
type Info struct {
	Name        string    `json:"name"`
	Code        string    `json:"code"`
	Phone       string    `json:"phone"`
	TimeZone    string    `json:"time_zone"`  // IANA name; screens show the hall's local time
	Hours       string    `json:"hours"`      // opening hours in Chinese, e.g. 周一至周五 08:30-12:00
	WaitArea    string    `json:"wait_area"`  // where visitors wait
	PublicURL   string    `json:"public_url"` // the centre's public address; tracking URLs are <PublicURL>/t/<code>
	Services    []Service `json:"services"`
	Windows     []Window  `json:"windows"`
	Departments []string  `json:"departments"`
	// Staff are the window staff, for the console's sign-in list and the rating pad's 工号.
	Staff []StaffMember `json:"staff,omitempty"`
}

// StaffMember is a window staff member as screens show them: the name they sign in with and their
// work number (工号). The PIN stays in the configuration.
type StaffMember struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// StaffID returns the work number of the staff member called name; "" when unknown.
func (i Info) StaffID(name string) string {
	for _, s := range i.Staff {
		if s.Name == name {
			return s.ID
		}
	}
	return ""
}

// Service returns the service with the given code.
func (i Info) Service(code string) (Service, bool) {
	for _, s := range i.Services {
		if s.Code == code {
			return s, true
		}
	}
	return Service{}, false
}

// Location returns the hall's time zone; the machine's own when unset or unknown.
func (i Info) Location() *time.Location {
	if i.TimeZone != "" {
		if loc, err := time.LoadLocation(i.TimeZone); err == nil {
			return loc
		}
	}
	return time.Local
}

// TrackingURL returns the address a resident's phone opens for a case.
func (i Info) TrackingURL(caseCode string) string {
	return strings.TrimRight(i.PublicURL, "/") + "/t/" + caseCode
}

// IssueRequest asks for a ticket.
type IssueRequest struct {
	Service  string   `json:"service"`
	Category string   `json:"category,omitempty"`
	Priority Priority `json:"priority,omitempty"` // declared (disabled, pregnant) or set by staff
	Visitor  *Visitor `json:"visitor,omitempty"`
	// LinkCase is the code of the visitor's open case that the new ticket continues, as the kiosk
	// offers to a visitor identified by their card.
	LinkCase string `json:"link_case,omitempty"`
	// Source says where Visitor's ID number came from: SourceCard (read from the card by the
	// reader) or SourceTyped (typed on the keypad), the default. Only a card-read ID number gives
	// verified elderly priority.
	Source string `json:"source,omitempty"`
}

// Sources of a visitor's ID number.
const (
	SourceCard  = "card"
	SourceTyped = "typed"
)

// ServiceQueue is the live state of one service's queue.
type ServiceQueue struct {
	Service string   `json:"service"`
	Name    string   `json:"name"`
	Prefix  string   `json:"prefix"`
	Waiting int      `json:"waiting"`
	Serving []string `json:"serving"` // labels called or being served
}

// WindowState is the live state of one window.
type WindowState struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Paused  bool     `json:"paused"`
	Staff   string   `json:"staff,omitempty"` // who is signed in at the window, if anyone
	Current *Ticket  `json:"current,omitempty"`
	Held    []Ticket `json:"held,omitempty"`
}

// QueueStatus is the whole hall at one moment.
type QueueStatus struct {
	Day      string         `json:"day"`
	Open     bool           `json:"open"`
	Services []ServiceQueue `json:"services"`
	Windows  []WindowState  `json:"windows"`
}

// Hall is the queue authority of one hall. store.Hall implements it on SQLite; hub.Client
// implements it over the hub's HTTP API, so that screens work the same either way.
type Hall interface {
	// Info describes the hall.
	Info(ctx context.Context) (Info, error)
	// Issue gives a new ticket, opening a case (or continuing req.LinkCase).
	Issue(ctx context.Context, req IssueRequest) (Ticket, error)
	// Call gives the window the next ticket it serves, by the fairness rule; ENONE when nobody waits.
	Call(ctx context.Context, window int) (Ticket, error)
	// CallNumber calls a given waiting, skipped or held ticket out of turn.
	CallNumber(ctx context.Context, window int, label string) (Ticket, error)
	// Recall calls the window's current ticket again (at most Rules.MaxRecalls times).
	Recall(ctx context.Context, window int) (Ticket, error)
	// Skip marks the window's called ticket as a no-show (过号).
	Skip(ctx context.Context, window int) (Ticket, error)
	// Transfer moves the window's current ticket to another service's queue, keeping its label
	// and original arrival time.
	Transfer(ctx context.Context, window int, service string) (Ticket, error)
	// Hold sets the window's current ticket aside (挂起).
	Hold(ctx context.Context, window int) (Ticket, error)
	// Resume makes a held ticket of this window current again.
	Resume(ctx context.Context, window int, label string) (Ticket, error)
	// Start records that the called visitor has arrived (开始办理).
	Start(ctx context.Context, window int) (Ticket, error)
	// Complete finishes the window's current ticket.
	Complete(ctx context.Context, window int) (Ticket, error)
	// SetPaused pauses or resumes a window; a paused window calls nobody.
	SetPaused(ctx context.Context, window int, paused bool) (WindowState, error)

	// Queue returns the live state of every service and window.
	Queue(ctx context.Context) (QueueStatus, error)

	// Case returns a case by its code, with the visitor masked.
	Case(ctx context.Context, code string) (Case, error)
	// OpenCases returns the visitor's cases that are not final.
	OpenCases(ctx context.Context, idNumber string) ([]Case, error)
	// ChangeCase moves a case this hall owns to a new status.
	ChangeCase(ctx context.Context, code string, change CaseChange) (Case, error)
	// AddFollowUp appends a follow-up record to any case.
	AddFollowUp(ctx context.Context, code string, note, by string) (Case, error)
	// Escalate hands ownership of a case to the centre (上报).
	Escalate(ctx context.Context, code string, note, by string) (Case, error)

	// RequestHelp raises a help alert from a kiosk (呼叫工作人员).
	RequestHelp(ctx context.Context, source string) (HelpAlert, error)
	// TakeHelp marks a help alert as taken by a staff member.
	TakeHelp(ctx context.Context, id int64, by string) (HelpAlert, error)
	// OpenHelp returns the alerts nobody has taken yet.
	OpenHelp(ctx context.Context) ([]HelpAlert, error)

	// Subscribe delivers every committed change until ctx ends, once each and in id order. Events
	// after the one with id after are replayed first, all of them, with Replayed set (0: only new
	// events). Over the hub, an event of kind EventStreamReset says the subscriber must reload its
	// state (see EventStreamReset).
	Subscribe(ctx context.Context, after int64) (<-chan Event, error)
}

// HelpAlert is a visitor's call for staff from a kiosk.
type HelpAlert struct {
	ID       int64      `json:"id"`
	Source   string     `json:"source"` // which kiosk, e.g. 大厅自助机
	RaisedAt time.Time  `json:"raised_at"`
	TakenBy  string     `json:"taken_by,omitempty"`
	TakenAt  *time.Time `json:"taken_at,omitempty"`
}

// idempotencyKey is the context key of an IdempotentRequest.
type idempotencyKey struct{}

// IdempotentRequest is a retryable state change: the client's Idempotency-Key and what the request
// was. A repeat under the same key must be the same request; the hub fills in the HTTP method, path
// and the SHA-256 of the body, in-process callers leave them empty.
type IdempotentRequest struct {
	Key        string
	Method     string
	Path       string
	BodySHA256 string // hex
}

// WithIdempotency returns a context carrying a client's retryable request: a state change made with
// a key already used for the same request returns the first result instead of acting again.
func WithIdempotency(ctx context.Context, req IdempotentRequest) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, req)
}

// WithIdempotencyKey is WithIdempotency for an in-process caller, which has only a key.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return WithIdempotency(ctx, IdempotentRequest{Key: key})
}

// Idempotency returns the retryable request carried by ctx; its Key is "" when there is none.
func Idempotency(ctx context.Context) IdempotentRequest {
	r, _ := ctx.Value(idempotencyKey{}).(IdempotentRequest)
	return r
}

// IdempotencyKey returns the key carried by ctx, or "".
func IdempotencyKey(ctx context.Context) string { return Idempotency(ctx).Key }
