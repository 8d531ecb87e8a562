package app

import (
	"context"
	"time"
)

// ESIGNIN is the code of a refused staff sign-in: an unknown name or a wrong PIN (the two are
// not told apart), or too many wrong PINs in a row.
const ESIGNIN = "sign_in_failed"

// ESESSION is the code of a staff action whose session is unknown, signed out or for another window.
const ESESSION = "no_session"

// Console is what the window console, hall display and rating pad need beyond Hall: staff
// sessions, ratings, a visitor's history, the audited full identity and a window's daily counts.
// store.Console implements it on SQLite; hub.Client implements it over the hub's HTTP API.
type Console interface {
	// SignIn checks a staff member's name and PIN and opens a session at the window, serving the
	// given services (empty: the window's configured services).
	SignIn(ctx context.Context, req SignInRequest) (StaffSession, error)
	// SignOut ends a session.
	SignOut(ctx context.Context, session string) error
	// CallNext calls the next ticket of the services the session serves.
	CallNext(ctx context.Context, session string) (Ticket, error)
	// History returns the window's current visitor: masked identity, earlier visits and open cases.
	History(ctx context.Context, session string) (VisitorHistory, error)
	// Reveal returns the full identity of the window's current visitor and writes an audit record.
	Reveal(ctx context.Context, session string) (Visitor, error)
	// WindowStats returns today's counts for a window.
	WindowStats(ctx context.Context, window int) (WindowStats, error)
	// Rate records a visitor's rating of a ticket completed at the window.
	Rate(ctx context.Context, req RateRequest) (Rating, error)
	// Ratings returns today's ratings, or only those flagged for follow-up.
	Ratings(ctx context.Context, flaggedOnly bool) ([]Rating, error)
}

// SignInRequest is a staff member's sign-in at a window.
type SignInRequest struct {
	Window   int      `json:"window"`
	Name     string   `json:"name"`
	PIN      string   `json:"pin"`
	Services []string `json:"services,omitempty"`
}

// StaffSession is a staff member signed in at a window.
type StaffSession struct {
	Token      string    `json:"token"` // opaque; sent back with the session's actions
	Staff      string    `json:"staff"`
	Window     int       `json:"window"`
	Services   []string  `json:"services"`
	SignedInAt time.Time `json:"signed_in_at"`
}

// Visit is one earlier ticket of a visitor.
type Visit struct {
	Day      string       `json:"day"`
	Label    string       `json:"label"`
	Service  string       `json:"service"`
	Status   TicketStatus `json:"status"`
	Window   int          `json:"window,omitempty"`
	CaseCode string       `json:"case_code,omitempty"`
	IssuedAt time.Time    `json:"issued_at"`
}

// VisitorHistory is what a window sees of its current visitor.
type VisitorHistory struct {
	Ticket  Ticket         `json:"ticket"`
	Case    *Case          `json:"case,omitempty"`    // the case the ticket belongs to
	Visitor *MaskedVisitor `json:"visitor,omitempty"` // nil for an anonymous ticket
	Visits  []Visit        `json:"visits"`            // earlier tickets, newest first
	Open    []Case         `json:"open_cases"`        // the visitor's other open cases
}

// WindowStats are a window's counts for the current business day.
type WindowStats struct {
	Window      int     `json:"window"`
	Day         string  `json:"day"`
	Called      int     `json:"called"`
	Completed   int     `json:"completed"`
	Skipped     int     `json:"skipped"`
	Transferred int     `json:"transferred"`
	Held        int     `json:"held"`
	Waiting     int     `json:"waiting"`     // waiting now for the window's services
	AvgMinutes  float64 `json:"avg_minutes"` // mean time from start to completion
	Rated       int     `json:"rated"`       // ratings given
	Satisfied   int     `json:"satisfied"`   // of which 满意 or better
	Flagged     int     `json:"flagged"`     // of which 不满意 or worse
}

// Score is a visitor's rating, 1 (非常不满意) to 5 (非常满意).
type Score int

// Scores in the order the rating pad shows them.
const (
	VerySatisfied    Score = 5
	Satisfied        Score = 4
	FairlySatisfied  Score = 3
	Dissatisfied     Score = 2
	VeryDissatisfied Score = 1
)

// Scores lists the scores from best to worst, as the rating pad shows them.
var Scores = []Score{VerySatisfied, Satisfied, FairlySatisfied, Dissatisfied, VeryDissatisfied}

// Valid reports whether s is a known score.
func (s Score) Valid() bool { return s >= VeryDissatisfied && s <= VerySatisfied }

// Flagged reports whether a rating with this score needs a follow-up (不满意, 非常不满意).
func (s Score) Flagged() bool { return s.Valid() && s <= Dissatisfied }

// Label returns the score in Chinese.
func (s Score) Label() string {
	switch s {
	case VerySatisfied:
		return "非常满意"
	case Satisfied:
		return "满意"
	case FairlySatisfied:
		return "基本满意"
	case Dissatisfied:
		return "不满意"
	case VeryDissatisfied:
		return "非常不满意"
	}
	return ""
}

// RateRequest is a rating pad's rating of a completed ticket.
type RateRequest struct {
	Window int   `json:"window"`
	Ticket int64 `json:"ticket"` // the ticket's id, from its ticket.completed event
	Score  Score `json:"score"`
}

// Rating is a stored rating.
type Rating struct {
	ID       int64     `json:"id"`
	Ticket   int64     `json:"ticket"`
	Label    string    `json:"label"`
	Window   int       `json:"window"`
	Staff    string    `json:"staff,omitempty"` // who was signed in at the window when the ticket was completed
	Score    Score     `json:"score"`
	Flagged  bool      `json:"flagged"`
	CaseCode string    `json:"case_code,omitempty"`
	At       time.Time `json:"at"`
}
