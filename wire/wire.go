// Package wire is what the halls and the centre exchange over HTTP: the bodies of a hall's push
// (POST /api/v1/sync/events) and pull (GET /api/v1/sync/changes), the error body of every failed
// request, the batch limit, and the kinds of change the centre sends back.
//
// Both sides use these types, so the hall binary needs only this package, not the centre's. The
// JSON field names are the protocol: changing one breaks every hall in the field. See docs/sync.md.
package wire

import (
	"encoding/json"
	"time"

	"fengqiao/app"
)

// MaxBatch is the largest number of events a hall may push in one request, and the largest page
// of changes it may ask for.
const MaxBatch = 1000

// Event is one hall event as pushed to the centre: a row of the hall's events table.
type Event struct {
	ID      int64           `json:"id"` // the hall's event id: strictly increasing, gap-free in commit order
	At      time.Time       `json:"at"`
	Kind    app.EventKind   `json:"kind"`
	Body    json.RawMessage `json:"body"`              // app.Event with public data only
	Private json.RawMessage `json:"private,omitempty"` // app.Visitor: the full identity, on a case's first event
}

// PushRequest is the body of POST /api/v1/sync/events.
type PushRequest struct {
	Events []Event `json:"events"`
	// Epoch names the hall database's event log (a restore or a new disk starts a new one). The
	// centre records every epoch of a site and refuses (409 app.EEPOCHBEHIND) events of one epoch whose
	// ids it applied under another, so a restored hall's new events are never taken for duplicates.
	Epoch string `json:"epoch,omitempty"`
	// RecoveredThrough is the id up to which this epoch's log is the one the centre holds: what the
	// hall took back from the centre (GET /api/v1/sync/recover) after a restore or a lost disk.
	RecoveredThrough int64 `json:"recovered_through,omitempty"`
	// Backlog is how many of the hall's events come after the last one of this request: what it
	// still has to send. The centre shows it beside the site's last contact.
	Backlog int64 `json:"backlog,omitempty"`
	// Catalogue is the hall's own description, sent on the first push after the hall starts and
	// whenever it changes; absent otherwise. A push may carry no events, only the catalogue.
	Catalogue *Catalogue `json:"catalogue,omitempty"`
}

// Catalogue is what a hall tells the centre about itself: its name, phone, time zone, opening
// hours and service catalogue (names, ticket prefixes, categories, deadlines, which services
// and categories are disputes). The centre shows its names, never the raw codes, and residents
// see its hours and phone on the tracking page.
type Catalogue struct {
	Name     string `json:"name"`
	Phone    string `json:"phone,omitempty"`
	TimeZone string `json:"time_zone,omitempty"` // IANA name
	Hours    string `json:"hours,omitempty"`     // in Chinese, as the hall shows them: 周一至周五 08:30-12:00
	// Weekdays are the open days (0 is Sunday), every day when empty; Periods the opening periods
	// of a day ("08:30-12:00"), always open when empty.
	Weekdays []int         `json:"weekdays,omitempty"`
	Periods  []string      `json:"periods,omitempty"`
	Services []app.Service `json:"services"`
	// Booking is what the hall offers for appointments (预约); absent when it takes none.
	Booking *app.BookingPlan `json:"booking,omitempty"`
}

// NewCatalogue describes a hall from its info and opening hours.
func NewCatalogue(info app.Info, hours app.Hours) Catalogue {
	c := Catalogue{Name: info.Name, Phone: info.Phone, TimeZone: info.TimeZone, Hours: hours.String(),
		Services: info.Services}
	for _, d := range hours.Weekdays {
		c.Weekdays = append(c.Weekdays, int(d))
	}
	for _, p := range hours.Periods {
		c.Periods = append(c.Periods, p.String())
	}
	return c
}

// OpeningHours returns the catalogue's hours and time zone; always open for what it cannot
// read, and Asia/Shanghai without a time zone.
func (c Catalogue) OpeningHours() (app.Hours, *time.Location) {
	var h app.Hours
	for _, d := range c.Weekdays {
		if d >= 0 && d < 7 {
			h.Weekdays = append(h.Weekdays, time.Weekday(d))
		}
	}
	for _, s := range c.Periods {
		if p, err := app.ParsePeriod(s); err == nil {
			h.Periods = append(h.Periods, p)
		}
	}
	loc := app.DefaultRules().Location
	if c.TimeZone != "" {
		if l, err := app.LoadLocation(c.TimeZone); err == nil {
			loc = l
		}
	}
	return h, loc
}

// RecoverReply is the body of the reply to GET /api/v1/sync/recover?after=ID&pulled=SEQ: the
// site's own events after ID, as the centre received them, for a restored or rebuilt hall to
// take back.
type RecoverReply struct {
	// Events are the site's events after the id asked for, in id order, at most the limit asked.
	// Private carries the identity the centre holds for a case's first event; it is absent when
	// retention removed it (the body still carries the masked visitor).
	Events []Event `json:"events"`
	// AppliedThrough is the site's high-water mark: recovery is complete once the hall holds every
	// event up to it.
	AppliedThrough int64 `json:"applied_through"`
	// Epochs are the epochs the site has pushed under, oldest first: ids a client reports from any
	// of them count in the hall's numbering.
	Epochs []string `json:"epochs"`
	// Echoed are the sequence numbers above the pulled one asked for whose change the hall had
	// already applied and logged (its echo is among the events): the hall must not apply them
	// again.
	Echoed []int64 `json:"echoed"`
}

// PushReply tells the hall how far the centre got.
type PushReply struct {
	// AppliedThrough is the site's high-water mark: every event with an id up to it has been
	// applied, exactly once. The hall advances its cursor to it and sends from the next id.
	AppliedThrough int64 `json:"applied_through"`
	// Applied counts the events of this request applied now (duplicates and events past a gap
	// are not).
	Applied int `json:"applied"`
}

// Change kinds sent back to the halls.
const (
	ChangeStatus   = "status"   // a status change of a centre-owned case
	ChangeFollowUp = "followup" // a follow-up note appended by the centre
	// ChangeEscalationAccepted says the centre took on an escalated case (受理上报); By names who.
	ChangeEscalationAccepted = "escalation_accepted"
	// ChangeSession is a mediation session recorded at the centre (Session is set).
	ChangeSession = "session"
	// ChangeHandover hands a centre-owned case to the receiving site to work it (the town hall):
	// Case carries the case as the centre holds it, visitor masked. See docs/sync.md.
	ChangeHandover = "handover"
	// ChangeAssign gives the site a case the centre opened itself (a dispute a 网格员 registered
	// in the site's village): Case carries it, visitor masked, and the site becomes its owner.
	ChangeAssign = "assign"
	// ChangeNotice tells the site of a case in its village that the centre keeps (a 重大
	// dispute): Case carries it, visitor masked; the site shows it but does not own it.
	ChangeNotice = "notice"
	// ChangeBooking is an appointment made, moved or cancelled at the centre for the site:
	// Booking carries it as it now stands. Code is the booking code.
	ChangeBooking = "booking"
)

// Change is one change made at the centre to a case of a site, for the site to apply.
type Change struct {
	Seq    int64           `json:"seq"` // per site, gap-free and in commit order
	At     time.Time       `json:"at"`
	Code   string          `json:"code"`
	Kind   string          `json:"kind"`
	Change *app.CaseChange `json:"change,omitempty"` // for ChangeStatus
	Note   string          `json:"note,omitempty"`   // for ChangeFollowUp
	By     string          `json:"by,omitempty"`     // for ChangeFollowUp, ChangeEscalationAccepted

	Session *app.MediationSession `json:"session,omitempty"` // for ChangeSession
	Case    *app.Case             `json:"case,omitempty"`    // for ChangeHandover, ChangeAssign, ChangeNotice
	Booking *app.Booking          `json:"booking,omitempty"` // for ChangeBooking
}

// ChangesReply is the body of the reply to GET /api/v1/sync/changes.
type ChangesReply struct {
	Changes []Change `json:"changes"`
}

// ErrorReply is the body of every error response.
type ErrorReply struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}
