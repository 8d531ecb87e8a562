package console

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
)

// fakeMonitor is an in-memory Monitor: the test writes the event stream, sets the queue and the
// help alerts, and can make the hub unreachable. It counts the console's reads. The rest of Client
// is left unimplemented: the console's live loop uses only Monitor.
type fakeMonitor struct {
	Client
	events chan app.Event

	mu          sync.Mutex
	down        bool
	queue       app.QueueStatus
	help        []app.HelpAlert
	queueReads  int
	helpReads   int
	unreachable error
}

func newFakeMonitor() *fakeMonitor {
	return &fakeMonitor{events: make(chan app.Event), unreachable: fmt.Errorf("get queue: %w", hub.ErrUnreachable)}
}

func (f *fakeMonitor) Subscribe(context.Context, int64) (<-chan app.Event, error) {
	return f.events, nil
}

func (f *fakeMonitor) Queue(context.Context) (app.QueueStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queueReads++
	if f.down {
		return app.QueueStatus{}, f.unreachable
	}
	return f.queue, nil
}

func (f *fakeMonitor) OpenHelp(context.Context) ([]app.HelpAlert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.helpReads++
	if f.down {
		return nil, f.unreachable
	}
	return append([]app.HelpAlert(nil), f.help...), nil
}

func (f *fakeMonitor) WindowStats(_ context.Context, window int) (app.WindowStats, error) {
	return app.WindowStats{Window: window}, nil
}

// reads returns how often the queue and the help alerts were read.
func (f *fakeMonitor) reads() (queue, help int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queueReads, f.helpReads
}

func (f *fakeMonitor) set(fn func(f *fakeMonitor)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

// send hands ev to the console's loop, running posted UI work meanwhile.
func (h *harness) send(f *fakeMonitor, ev app.Event) {
	for {
		select {
		case f.events <- ev:
			return
		case p := <-h.posted:
			p()
		}
	}
}

// The console's live loop on a fake hub: it says when the hub is unreachable and retries until it
// answers; a ticket event reloads the queue (not the help alerts); a help event reloads the help
// alerts; a stream reset reloads both.
func TestLiveLoopOnFake(t *testing.T) {
	f := newFakeMonitor()
	f.set(func(f *fakeMonitor) { f.down = true })
	h := newConsole(t, f, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go h.sc.Run(ctx)

	h.within(t, 5*time.Second, "the first, failed load", func() bool { q, _ := f.reads(); return q >= 1 })
	if h.sc.s.Online() {
		t.Fatal("online with the hub unreachable")
	}
	waiting := &app.Ticket{ID: 1, Label: "A001", Window: 1, Status: app.TicketCalled}
	f.set(func(f *fakeMonitor) {
		f.down = false
		f.queue = app.QueueStatus{Open: true, Windows: []app.WindowState{{ID: 1, Current: waiting}}}
	})
	h.within(t, 5*time.Second, "the retry once the hub answers", func() bool {
		return h.sc.s.Online() && h.sc.s.State().Current != nil
	})

	q0, help0 := f.reads()
	h.send(f, app.Event{Kind: app.EventCompleted, Window: 1, Ticket: waiting})
	h.within(t, 5*time.Second, "a queue reload after a ticket event", func() bool { q, _ := f.reads(); return q > q0 })
	if _, help := f.reads(); help != help0 {
		t.Fatalf("a ticket event reloaded the help alerts (%d reads, was %d)", help, help0)
	}

	f.set(func(f *fakeMonitor) { f.help = []app.HelpAlert{{ID: 7, Source: "大厅自助机"}} })
	h.send(f, app.Event{Kind: app.EventHelp})
	h.within(t, 5*time.Second, "the help alert", func() bool { return len(h.sc.s.Help()) == 1 })

	f.set(func(f *fakeMonitor) { f.help = nil })
	q1, _ := f.reads()
	h.send(f, app.Event{Kind: app.EventStreamReset})
	h.within(t, 5*time.Second, "the reload after a reset", func() bool {
		q, _ := f.reads()
		return q > q1 && len(h.sc.s.Help()) == 0
	})
}
