package app

import "time"

// MaxBookedRun is how many booked (预约) tickets a window calls in a row while a walk-in it could
// call is waiting: one, so walk-ins get at most one booked call between two of theirs.
const MaxBookedRun = 1

// Streaks is a window's memory between calls: its priority streak (see PickNext) and its booked
// run, the booked calls it made in a row while a walk-in it could call was waiting.
type Streaks struct {
	Priority int
	Booked   int
}

// Booked reports whether the ticket was issued for an appointment (预约) at check-in.
func (t Ticket) Booked() bool { return t.Booking != "" && t.Slot != nil }

// SlotOpen reports whether a booked ticket may be called at now: its slot has started. A walk-in
// may always be called.
func (t Ticket) SlotOpen(now time.Time) bool { return !t.Booked() || !now.Before(*t.Slot) }

// PickCall chooses which waiting ticket a window calls next at now, with booked tickets: the
// calling rule of docs/architecture.md ("Appointments").
//
//   - A booked ticket is never called before its slot starts (an early arrival waits as booked).
//   - Among the booked tickets whose slot has opened, the earliest slot goes first (then arrival).
//   - Such a booked ticket goes ahead of walk-ins, except that a window makes at most maxBooked
//     booked calls in a row while a walk-in it could call is waiting: then a walk-in's turn comes.
//     A booked call with no walk-in waiting passes nobody and is not counted.
//   - Walk-ins (normal and priority) among themselves follow PickNext and its priority streak,
//     which booked calls neither advance nor end.
//
// So with maxBooked 1 a waiting walk-in is passed by at most one booked call at each window
// between two walk-in calls, and the k-th booked ticket whose slot has opened is called within
// 2k calls of a window that serves it.
//
// waiting must be ordered by arrival (oldest first) and hold only tickets the window may call;
// it returns the index into waiting (-1 when no ticket may be called now) and the window's new
// streaks.
func PickCall(waiting []Ticket, now time.Time, st Streaks, maxPriority, maxBooked int) (int, Streaks) {
	booked := -1
	var walkIns []Ticket
	var walkIndex []int
	for i, t := range waiting {
		switch {
		case !t.Booked():
			walkIns = append(walkIns, t)
			walkIndex = append(walkIndex, i)
		case !t.SlotOpen(now):
			// early: waits as booked until its slot opens
		case booked < 0 || t.Slot.Before(*waiting[booked].Slot):
			booked = i
		}
	}
	if booked >= 0 && (len(walkIns) == 0 || st.Booked < maxBooked) {
		if len(walkIns) > 0 {
			st.Booked++
		}
		return booked, st
	}
	i, prio := PickNext(walkIns, st.Priority, maxPriority)
	if i < 0 {
		return -1, st
	}
	return walkIndex[i], Streaks{Priority: prio}
}
