package app

import (
	"sync"
	"time"
)

// Event kinds. Every change to the queue or a case is one durable event.
const (
	EventIssued            = "ticket.issued"
	EventCalled            = "ticket.called"
	EventRecalled          = "ticket.recalled"
	EventSkipped           = "ticket.skipped"
	EventTransferred       = "ticket.transferred"
	EventHeld              = "ticket.held"
	EventResumed           = "ticket.resumed"
	EventStarted           = "ticket.started"
	EventCompleted         = "ticket.completed"
	EventPriorityConfirmed = "ticket.priority_confirmed"
	EventPaused            = "window.paused"
	EventUnpaused          = "window.resumed"
	EventCaseOpened        = "case.opened"
	EventCaseChanged       = "case.changed"
	EventCaseNote          = "case.followup"
	EventEscalated         = "case.escalated"
	EventHelp              = "help.requested"
	EventHelpTaken         = "help.taken"
	EventRated             = "rating.recorded"

	// EventStreamReset is not a change: the hub's event stream sends it (SSE event "reset") when it
	// cannot resume where the client left off (its Last-Event-ID is from another epoch of the
	// hall's log, unreadable, or beyond the newest event). The client's state may be stale: it
	// reloads everything (hall, queue, open help alerts …) and carries on with the events after it.
	EventStreamReset = "stream.reset"
)

// Event is one committed change, as subscribers (display, consoles, kiosk) see it. It carries no
// personal data: the ticket has none and the case's visitor is masked.
type Event struct {
	ID     int64      `json:"id"`
	At     time.Time  `json:"at"`
	Kind   string     `json:"kind"`
	Window int        `json:"window,omitempty"`
	Ticket *Ticket    `json:"ticket,omitempty"`
	Case   *Case      `json:"case,omitempty"`
	Help   *HelpAlert `json:"help,omitempty"`
	Rating *Rating    `json:"rating,omitempty"`
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
