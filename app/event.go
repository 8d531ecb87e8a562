package app

import (
	"strings"
	"sync"
	"time"
)

// EventKind names what an event records: its subject, a dot and what happened, as in
// "ticket.called". The hall's log, the hub's event stream and the sync with the centre all carry
// these values.
type EventKind string

// Event kinds. Every change to the queue or a case is one durable event.
const (
	EventIssued            EventKind = "ticket.issued"
	EventCalled            EventKind = "ticket.called"
	EventRecalled          EventKind = "ticket.recalled"
	EventSkipped           EventKind = "ticket.skipped"
	EventTransferred       EventKind = "ticket.transferred"
	EventHeld              EventKind = "ticket.held"
	EventResumed           EventKind = "ticket.resumed"
	EventStarted           EventKind = "ticket.started"
	EventCompleted         EventKind = "ticket.completed"
	EventPriorityConfirmed EventKind = "ticket.priority_confirmed"
	EventPaused            EventKind = "window.paused"
	EventUnpaused          EventKind = "window.resumed"
	EventCaseOpened        EventKind = "case.opened"
	EventCaseChanged       EventKind = "case.changed"
	EventCaseNote          EventKind = "case.followup"
	EventEscalated         EventKind = "case.escalated"
	EventHelp              EventKind = "help.requested"
	EventHelpTaken         EventKind = "help.taken"
	EventRated             EventKind = "rating.recorded"
	// Appointments (预约): a booked resident checked in at the kiosk (the ticket's EventIssued
	// follows), or the slot passed its grace time without them (a no-show).
	EventBookingCheckedIn EventKind = "booking.checked_in"
	EventBookingNoShow    EventKind = "booking.no_show"

	// EventStreamReset is not a change: the hub's event stream sends it (SSE event "reset") when it
	// cannot resume where the client left off (its Last-Event-ID is from another epoch of the
	// hall's log, unreadable, or beyond the newest event). The client's state may be stale: it
	// reloads everything (hall, queue, open help alerts …) and carries on with the events after it.
	EventStreamReset EventKind = "stream.reset"
)

// OfTicket reports whether the kind is a change to a ticket ("ticket.…").
func (k EventKind) OfTicket() bool { return strings.HasPrefix(string(k), "ticket.") }

// OfCase reports whether the kind is a change to a case ("case.…").
func (k EventKind) OfCase() bool { return strings.HasPrefix(string(k), "case.") }

// Event is one committed change, as subscribers (display, consoles, kiosk) see it. It carries no
// personal data: the ticket has none and the case's visitor is masked.
type Event struct {
	ID     int64      `json:"id"`
	At     time.Time  `json:"at"`
	Kind   EventKind  `json:"kind"`
	Window int        `json:"window,omitempty"`
	Ticket *Ticket    `json:"ticket,omitempty"`
	Case   *Case      `json:"case,omitempty"`
	Help   *HelpAlert `json:"help,omitempty"`
	Rating *Rating    `json:"rating,omitempty"`
	// Booking is the appointment of EventBookingCheckedIn and EventBookingNoShow, masked and
	// without its ID hash (Booking.Public).
	Booking *Booking `json:"booking,omitempty"`
	// Staff is who serves at the event's window, as the display and rating pad show them; the hub
	// fills it in for the calls, starts and completions it streams.
	Staff *StaffBadge `json:"staff,omitempty"`

	// Replayed marks an event read back from the log for a subscriber that was catching up, not
	// delivered as it happened. Apply it to state, but do not act on it as news: no announcement,
	// and no rating prompt for a visitor who may be long gone.
	Replayed bool `json:"replayed,omitempty"`
}

// StaffBadge is a staff member as visitors see them: display name and 工号.
type StaffBadge struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// Bus fans committed events out to subscribers. A slow subscriber never blocks the publisher:
// when its buffer is full it is dropped (its channel closed) and must resubscribe, replaying
// from the last event id it saw.
type Bus struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// subscriberBuffer is how many events a subscriber may fall behind before it is dropped.
const subscriberBuffer = 256

// Subscribe returns a channel of events published from now on, and a function that ends the
// subscription.
func (b *Bus) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, subscriberBuffer)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[chan Event]struct{})
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
		b.mu.Unlock()
	}
}

// Publish delivers events, in order, to every subscriber.
func (b *Bus) Publish(events ...Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		for _, e := range events {
			select {
			case ch <- e:
			default:
				delete(b.subs, ch)
				close(ch)
			}
			if _, ok := b.subs[ch]; !ok {
				break
			}
		}
	}
}
