package app

import (
	"fmt"
	"time"
)

// TicketStatus is where a ticket stands in the queue.
type TicketStatus string

// Ticket statuses. A ticket is issued waiting; a window calls it (called), the visitor arrives
// (serving) and the window completes it (done). Skipped tickets missed their call; held tickets
// were set aside by a window and may be resumed.
const (
	TicketWaiting TicketStatus = "waiting"
	TicketCalled  TicketStatus = "called"
	TicketServing TicketStatus = "serving"
	TicketHeld    TicketStatus = "held"
	TicketSkipped TicketStatus = "skipped"
	TicketDone    TicketStatus = "done"
)

// Label returns the status in Chinese for screens.
func (s TicketStatus) Label() string {
	switch s {
	case TicketWaiting:
		return "等候中"
	case TicketCalled:
		return "已叫号"
	case TicketServing:
		return "办理中"
	case TicketHeld:
		return "已挂起"
	case TicketSkipped:
		return "已过号"
	case TicketDone:
		return "已完成"
	}
	return string(s)
}

// Priority says why a ticket is called before others. The empty Priority is a normal ticket.
type Priority string

// Priority reasons.
const (
	PriorityNone     Priority = ""
	PriorityElderly  Priority = "elderly"  // from the ID number's birth date
	PriorityDisabled Priority = "disabled" // declared by the visitor
	PriorityPregnant Priority = "pregnant" // declared by the visitor
	PriorityStaff    Priority = "staff"    // set by staff
)

// Valid reports whether p is a known priority reason.
func (p Priority) Valid() bool {
	switch p {
	case PriorityNone, PriorityElderly, PriorityDisabled, PriorityPregnant, PriorityStaff:
		return true
	}
	return false
}

// Label returns the priority in Chinese for screens and receipts.
func (p Priority) Label() string {
	switch p {
	case PriorityElderly:
		return "老年人优先"
	case PriorityDisabled:
		return "残疾人优先"
	case PriorityPregnant:
		return "孕妇优先"
	case PriorityStaff:
		return "优先"
	}
	return ""
}

// Ticket is a queue number issued to a visitor for one service on one business day.
type Ticket struct {
	ID       int64    `json:"id"`
	Day      string   `json:"day"`     // business day, YYYY-MM-DD in the hall's time zone
	Number   int      `json:"number"`  // 1, 2, … per issuing service per day
	Label    string   `json:"label"`   // prefix and number, e.g. A001; kept on transfer
	Service  string   `json:"service"` // code of the service whose queue it is in now
	Priority Priority `json:"priority,omitempty"`
	// PriorityBasis says where the priority came from (BasisIDCard, BasisIDTyped, BasisDeclared,
	// BasisStaff); PriorityVerified whether anyone checked it: a card-read ID or staff did, a typed
	// ID (未核验) or a visitor's own declaration (自述) did not, until a window confirms it.
	PriorityBasis    string       `json:"priority_basis,omitempty"`
	PriorityVerified bool         `json:"priority_verified,omitempty"`
	Status           TicketStatus `json:"status"`
	Window           int          `json:"window,omitempty"` // the window that called it, if any
	Recalls          int          `json:"recalls,omitempty"`
	CaseCode         string       `json:"case_code,omitempty"`
	Category         string       `json:"category,omitempty"`
	// Booking is the code of the appointment (预约) the ticket was issued for at check-in, empty for
	// a walk-in; Slot the start of the booked slot, which the calling rule orders it by.
	Booking string     `json:"booking,omitempty"`
	Slot    *time.Time `json:"slot,omitempty"`

	IssuedAt    time.Time  `json:"issued_at"`
	ArrivedAt   time.Time  `json:"arrived_at"` // the original issue time; orders the queue, kept on transfer
	CalledAt    *time.Time `json:"called_at,omitempty"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`

	// Ahead is how many tickets of the same service waited before this one when it was issued.
	Ahead int `json:"ahead"`
}

// FormatLabel returns the ticket label for a prefix and number: A001 … A999, then A1000.
func FormatLabel(prefix string, number int) string {
	return fmt.Sprintf("%s%03d", prefix, number)
}

// PickNext chooses which of the waiting tickets a window calls next. waiting must be ordered by
// arrival time (oldest first) and hold only tickets of services the window serves. maxStreak is how
// many priority tickets may be called in a row past a waiting normal ticket (0 disables priority
// order: strict arrival order). It returns the index into waiting (-1 when empty) and the window's
// new streak.
//
// The streak belongs to one window, and counts its consecutive calls that took a priority ticket
// while a normal ticket it could call was waiting. A call of a normal ticket ends the run (streak
// 0), and so does a priority call with no normal ticket waiting for that window: nobody was passed
// over, so it is not counted. So when a normal ticket joins mid-streak, it is passed over by at most
// maxStreak priority calls at each window, counted from the first call that found it waiting; calls
// at other windows, and out-of-turn calls of a given number, neither add to a window's streak nor
// end it.
func PickNext(waiting []Ticket, streak, maxStreak int) (index, newStreak int) {
	if len(waiting) == 0 {
		return -1, streak
	}
	firstPriority, firstNormal := -1, -1
	for i, t := range waiting {
		if t.Priority != PriorityNone {
			if firstPriority < 0 {
				firstPriority = i
			}
		} else if firstNormal < 0 {
			firstNormal = i
		}
	}
	switch {
	case firstPriority < 0:
		return firstNormal, 0
	case firstNormal < 0:
		return firstPriority, 0 // nobody passed over
	case maxStreak <= 0:
		// Priority disabled: strict arrival order.
		if firstPriority < firstNormal {
			return firstPriority, 0
		}
		return firstNormal, 0
	case streak < maxStreak:
		return firstPriority, streak + 1
	default:
		return firstNormal, 0
	}
}
