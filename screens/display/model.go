// Package display is the hall's display board: the latest call in very large type, highlighted
// for a few seconds, the last calls, waiting counts per service, the hall's name and a clock. It
// speaks each call through the voice queue and reconnects to the hub by itself.
package display

import (
	"fmt"
	"time"

	"fengqiao/app"
	"fengqiao/voice"
)

// Call is one call shown on the board.
type Call struct {
	Label      string
	Window     int
	WindowName string // e.g. 2号窗口
	Recall     bool
	Booked     bool // a booked ticket (预约), shown and spoken as such
	At         time.Time
}

// Headline is the call as the board writes it: 请 A003 号 到 2号窗口 办理.
func (c Call) Headline() (number, where string) {
	return "请 " + c.Label + " 号", "到 " + c.WindowName + " 办理"
}

// BookedMark marks a booked ticket's call on the board.
const BookedMark = "预约"

// Kind is the line over the call: 当前叫号 or 重复呼叫, marked 预约 for a booked ticket.
func (c Call) Kind() string {
	k := "当前叫号"
	if c.Recall {
		k = "重复呼叫"
	}
	if c.Booked {
		k = BookedMark + " · " + k
	}
	return k
}

// Speech is what the voice says for the call; a booked ticket's call starts with 预约号.
func (c Call) Speech() string {
	if c.Booked {
		return BookedMark + "号，" + voice.CallText(c.Label, c.Window)
	}
	return voice.CallText(c.Label, c.Window)
}

// Waiting is one service's waiting count.
type Waiting struct {
	Code, Name, Prefix string
	Count              int
}

// Model is the board's state, apart from any widget: fed events and queue snapshots, it knows
// what to show.
type Model struct {
	info    app.Info
	max     int
	Latest  *Call
	History []Call // newest first, the latest included, at most max
	Waiting []Waiting
	Open    bool
}

// NewModel returns an empty board for the hall listing history calls.
func NewModel(info app.Info, history int) *Model {
	if history <= 0 {
		history = 6
	}
	m := &Model{info: info, max: history}
	for _, s := range info.Services {
		m.Waiting = append(m.Waiting, Waiting{Code: s.Code, Name: s.Name, Prefix: s.Prefix})
	}
	return m
}

// Info returns the hall the board shows.
func (m *Model) Info() app.Info { return m.info }

func (m *Model) windowName(id int) string {
	for _, w := range m.info.Windows {
		if w.ID == id {
			return w.Name
		}
	}
	return fmt.Sprintf("%d号窗口", id)
}

// Apply takes an event and returns the call it announces, if any (ticket.called, ticket.recalled).
func (m *Model) Apply(ev app.Event) (Call, bool) {
	if ev.Ticket == nil || (ev.Kind != app.EventCalled && ev.Kind != app.EventRecalled) {
		if ev.Ticket != nil {
			m.adjust(ev)
		}
		return Call{}, false
	}
	w := ev.Window
	if w == 0 {
		w = ev.Ticket.Window
	}
	c := Call{Label: ev.Ticket.Label, Window: w, WindowName: m.windowName(w), Recall: ev.Kind == app.EventRecalled,
		Booked: ev.Ticket.Booked(), At: ev.At}
	m.Latest = &c
	if ev.Kind == app.EventCalled {
		m.adjust(ev)
	}
	// A recall moves the call back to the top instead of listing it twice.
	hist := []Call{c}
	for _, h := range m.History {
		if h.Label != c.Label && len(hist) < m.max {
			hist = append(hist, h)
		}
	}
	m.History = hist
	return c, true
}

// adjust keeps the waiting counts current between snapshots.
func (m *Model) adjust(ev app.Event) {
	delta := 0
	switch ev.Kind {
	case app.EventIssued:
		delta = 1
	case app.EventCalled:
		delta = -1
	case app.EventTransferred:
		// Out of the old service's queue (unknown here) into the new one: a snapshot follows.
		return
	default:
		return
	}
	for i := range m.Waiting {
		if m.Waiting[i].Code == ev.Ticket.Service {
			m.Waiting[i].Count = max(0, m.Waiting[i].Count+delta)
		}
	}
}

// SetQueue takes a snapshot of the queue.
func (m *Model) SetQueue(q app.QueueStatus) {
	m.Open = q.Open
	counts := map[string]int{}
	for _, s := range q.Services {
		counts[s.Service] = s.Waiting
	}
	for i := range m.Waiting {
		m.Waiting[i].Count = counts[m.Waiting[i].Code]
	}
}
