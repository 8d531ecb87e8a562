// Package citysim simulates the halls of a city for the centre's bench and tests: the events a
// hall pushes as visitors take tickets and their cases move through the stages.
package citysim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// Services are the services the simulated visitors come for (app.DefaultServices).
var Services = app.DefaultServices()

// Hall is one simulated hall: its outbox's next event id, the tickets in progress and the cases
// it works. It is not safe for concurrent use.
type Hall struct {
	rng     *rand.Rand
	next    int64 // the id of the next event
	ticket  int64 // the last ticket id
	tickets []*app.Ticket
	cases   []*app.Case
}

// NewHall returns a hall whose events follow the id after, with its randomness from seed.
func NewHall(seed uint64, after int64) *Hall {
	return &Hall{rng: rand.New(rand.NewPCG(seed, 0x5eed)), next: after + 1, ticket: after}
}

// Last returns the id of the last event made.
func (h *Hall) Last() int64 { return h.next - 1 }

// Events returns the hall's next n events (n+1 when the last visitor's ticket opens a case), all
// at the time at: new visitors' tickets (half of them opening a case), tickets called, started
// and completed, cases moving a stage, follow-ups and escalations, about ten events per visitor.
func (h *Hall) Events(n int, at time.Time) []wire.Event {
	out := make([]wire.Event, 0, n)
	for len(out) < n {
		switch x := h.rng.IntN(100); {
		case x < 12 || len(h.tickets) == 0 && len(h.cases) == 0:
			out = append(out, h.issue(at)...)
		case x < 55 && len(h.tickets) > 0:
			out = append(out, h.serve(at))
		case x < 92 && len(h.cases) > 0:
			out = append(out, h.advance(at))
		case x < 97 && len(h.cases) > 0:
			out = append(out, h.caseEvent(app.EventCaseNote, h.cases[h.rng.IntN(len(h.cases))], at))
		case len(h.cases) > 0:
			i := h.rng.IntN(len(h.cases))
			c := h.cases[i]
			if c.Owner == app.OwnerCentre || c.Status == app.CaseRegistered {
				continue
			}
			c.Owner = app.OwnerCentre
			out = append(out, h.caseEvent(app.EventEscalated, c, at))
			h.cases = append(h.cases[:i], h.cases[i+1:]...) // the centre works it now
		}
	}
	return out
}

// issue takes a visitor's ticket, opening a case for every other one.
func (h *Hall) issue(at time.Time) []wire.Event {
	svc := Services[h.rng.IntN(len(Services))]
	cat := svc.Categories[h.rng.IntN(len(svc.Categories))]
	h.ticket++
	t := &app.Ticket{ID: h.ticket, Day: at.Format(time.DateOnly), Label: fmt.Sprintf("%s%03d", svc.Prefix, h.ticket%1000),
		Service: svc.Code, Category: cat, Status: app.TicketWaiting, IssuedAt: at, ArrivedAt: at}
	var out []wire.Event
	if h.rng.IntN(2) == 0 {
		c := &app.Case{Code: app.NewCaseCode(), Service: svc.Code, Category: cat, Status: app.CaseRegistered,
			Owner: app.OwnerHall, OpenedAt: at, UpdatedAt: at,
			Visitor: &app.MaskedVisitor{Name: "张*", IDNumber: "3306**********0012", Phone: "138****0000"}}
		t.CaseCode = c.Code
		h.cases = append(h.cases, c)
		out = append(out, h.caseEvent(app.EventCaseOpened, c, at))
	}
	h.tickets = append(h.tickets, t)
	return append(out, h.event(app.EventIssued, at, func(e *app.Event) { e.Ticket = t }))
}

// serve moves a ticket on: called, started, completed (and done with).
func (h *Hall) serve(at time.Time) wire.Event {
	i := h.rng.IntN(len(h.tickets))
	t := h.tickets[i]
	kind := app.EventCalled
	switch t.Status {
	case app.TicketWaiting:
		t.Status, t.Window, t.CalledAt = app.TicketCalled, 1+h.rng.IntN(4), &at
	case app.TicketCalled:
		t.Status, t.StartedAt, kind = app.TicketServing, &at, app.EventStarted
	default:
		t.Status, t.CompletedAt, kind = app.TicketDone, &at, app.EventCompleted
		h.tickets = append(h.tickets[:i], h.tickets[i+1:]...)
	}
	snap := *t
	return h.event(kind, at, func(e *app.Event) { e.Ticket = &snap })
}

// stages is the way a simulated case goes; one in ten is refused when registered.
var stages = []app.CaseStatus{app.CaseRegistered, app.CaseAccepted, app.CaseAssigned, app.CaseHandling,
	app.CaseFollowUp, app.CaseClosed}

// advance moves a case one stage on, closing it at the end (nine in ten resolved).
func (h *Hall) advance(at time.Time) wire.Event {
	i := h.rng.IntN(len(h.cases))
	c := h.cases[i]
	next := app.CaseClosed
	for k, s := range stages[:len(stages)-1] {
		if s == c.Status {
			next = stages[k+1]
		}
	}
	if c.Status == app.CaseRegistered && h.rng.IntN(10) == 0 {
		next = app.CaseRejected
	}
	c.Status, c.UpdatedAt = next, at
	if next.Final() {
		c.ClosedAt, c.Result = &at, app.ResultResolved
		if next == app.CaseRejected || h.rng.IntN(10) == 0 {
			c.Result = app.ResultUnresolved
		}
		h.cases = append(h.cases[:i], h.cases[i+1:]...)
	}
	return h.caseEvent(app.EventCaseChanged, c, at)
}

func (h *Hall) caseEvent(kind app.EventKind, c *app.Case, at time.Time) wire.Event {
	snap := *c
	return h.event(kind, at, func(e *app.Event) { e.Case = &snap })
}

func (h *Hall) event(kind app.EventKind, at time.Time, fill func(*app.Event)) wire.Event {
	e := app.Event{ID: h.next, At: at, Kind: kind}
	fill(&e)
	body, err := json.Marshal(e)
	if err != nil {
		panic(fmt.Sprintf("citysim: encode event: %v", err)) // an app.Event always encodes
	}
	h.next++
	return wire.Event{ID: e.ID, At: at, Kind: kind, Body: body}
}
