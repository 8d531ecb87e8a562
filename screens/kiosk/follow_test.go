package kiosk

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// feedHall is a Hall whose event stream the test writes and whose waiting count it sets. The rest
// of Hall is left unimplemented: following the queue uses only Subscribe and Queue.
type feedHall struct {
	Hall
	events chan app.Event

	mu      sync.Mutex
	waiting int
	reads   int
}

func (f *feedHall) Subscribe(context.Context, int64) (<-chan app.Event, error) { return f.events, nil }

func (f *feedHall) Queue(context.Context) (app.QueueStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return app.QueueStatus{Open: true, Services: []app.ServiceQueue{{Service: "petition", Waiting: f.waiting}}}, nil
}

func (f *feedHall) set(waiting int) {
	f.mu.Lock()
	f.waiting = waiting
	f.mu.Unlock()
}

func (f *feedHall) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// The home screen's waiting counts follow the hall: a ticket event and a stream reset each read
// the queue again, other events do not; the reads reach the screen through Options.Post.
func TestWaitingCountsFollowEvents(t *testing.T) {
	test.NewTempApp(t)
	hall := &feedHall{events: make(chan app.Event), waiting: 1}
	posted := make(chan func(), 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k := New(ctx, Options{Hall: hall, Info: app.Info{Name: "测试大厅", Services: app.DefaultServices()},
		Post: func(f func()) { posted <- f }, Log: quiet()})
	go k.Run(ctx)
	until := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for !ok() {
			select {
			case f := <-posted:
				f()
			case <-deadline:
				t.Fatalf("%s did not happen", what)
			}
		}
	}
	send := func(ev app.Event) {
		for {
			select {
			case hall.events <- ev:
				return
			case f := <-posted:
				f()
			}
		}
	}
	// Two first reads: New's, and the loop's as it starts.
	until("the first count", func() bool { return k.queueOK && k.waiting["petition"] == 1 && !k.refresh && hall.count() == 2 })

	hall.set(3)
	send(app.Event{Kind: app.EventIssued, Ticket: &app.Ticket{Label: "A002", Service: "petition"}})
	until("the count after a ticket event", func() bool { return k.waiting["petition"] == 3 })

	before := hall.count()
	hall.set(4)
	send(app.Event{Kind: app.EventHelp})
	hall.set(5)
	send(app.Event{Kind: app.EventStreamReset})
	until("the count after a reset", func() bool { return k.waiting["petition"] == 5 })
	if got := hall.count(); got != before+1 {
		t.Fatalf("%d queue reads for a help event and a reset, want 1", got-before)
	}
}
