// Package live keeps a screen current with its hall, with one threading convention: work that
// waits on the hub runs off the UI thread, and whatever changes widgets is handed to the UI thread
// through the screen's Post function (fyne.Do, or a test's queue).
//
// A Loop follows the hall's event stream and reloads the screen's state at the start, after the
// hub resets the stream, on a poll, on request and, while the hub is out of reach, on a faster
// retry; it reports whether the hub answers. A Worker runs one piece of work off the UI thread and
// posts its result.
package live

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fengqiao/app"
)

// Subscriber is a source of the hall's events: app.Hall, and hub.Client over the network.
type Subscriber interface {
	// Subscribe delivers the hall's events until ctx ends (see app.Hall).
	Subscribe(ctx context.Context, after int64) (<-chan app.Event, error)
}

// Reason says why a Loop reloads.
type Reason int

// Reasons for a reload.
const (
	Start Reason = iota // the loop starts
	Reset               // the hub reset the event stream: whatever was missed is unknown
	Poll                // Loop.Poll has passed
	Retry               // Loop.Retry has passed while the hub was out of reach
	Kick                // Loop.Kick asked for it, usually for an event that changes the queue
)

// String returns the reason's name, for logs and test failures.
func (r Reason) String() string {
	switch r {
	case Start:
		return "start"
	case Reset:
		return "reset"
	case Poll:
		return "poll"
	case Retry:
		return "retry"
	case Kick:
		return "kick"
	}
	return "unknown"
}

// Loop keeps one screen current. Set its fields, then call Run; Load and Event run on Run's
// goroutine, off the UI thread, and post what they change.
type Loop struct {
	Name   string       // the screen, in log lines, e.g. "display"
	Events Subscriber   // the hall's event stream
	Post   func(func()) // runs a function on the UI thread

	// Load reloads the screen's state; it returns the error of the hub call, if any.
	Load func(ctx context.Context, why Reason) error
	// Event takes each event but the stream reset (that reloads). It may call Kick or Reload.
	Event func(ctx context.Context, ev app.Event)
	// Online, if set, is posted after each Load: whether the hub answered.
	Online func(ok bool)
	// Outage reports whether a Load's error means the hub is out of reach; default: any error.
	Outage func(err error) bool
	// Offline reports whether to reload at each Retry; default: the last Load was an outage.
	Offline func() bool

	Poll  time.Duration // reload this often; 0: never
	Retry time.Duration // while offline, reload this often; 0: only at Poll

	once sync.Once
	kick chan struct{}
	down atomic.Bool
}

func (l *Loop) kicks() chan struct{} {
	l.once.Do(func() { l.kick = make(chan struct{}, 1) })
	return l.kick
}

// Kick asks Run for a reload soon; kicks that come while one is pending make one reload.
func (l *Loop) Kick() {
	select {
	case l.kicks() <- struct{}{}:
	default:
	}
}

// Reload runs Load now and reports whether the hub answered (unless ctx has ended).
func (l *Loop) Reload(ctx context.Context, why Reason) {
	err := l.Load(ctx, why)
	if ctx.Err() != nil {
		return
	}
	out := err != nil
	if err != nil && l.Outage != nil {
		out = l.Outage(err)
	}
	l.down.Store(out)
	if l.Online != nil {
		l.Post(func() { l.Online(!out) })
	}
}

func (l *Loop) offline() bool {
	if l.Offline != nil {
		return l.Offline()
	}
	return l.down.Load()
}

// ticks returns a ticker's channel, or nil (never ready) for d <= 0; stop stops the ticker.
func ticks(d time.Duration) (c <-chan time.Time, stop func()) {
	if d <= 0 {
		return nil, func() {}
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Run subscribes to the hall's events, loads the screen and keeps it current until ctx ends. The
// subscriber reconnects by itself (hub.Client does); a stream that ends is not reopened, and the
// polls go on.
func (l *Loop) Run(ctx context.Context) {
	events, err := l.Events.Subscribe(ctx, 0)
	if err != nil {
		slog.Warn(l.Name+": subscribe failed", "err", err)
	}
	l.Reload(ctx, Start)
	poll, stopPoll := ticks(l.Poll)
	defer stopPoll()
	retry, stopRetry := ticks(l.Retry)
	defer stopRetry()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			switch {
			case !ok:
				events = nil
			case ev.Kind == app.EventStreamReset:
				l.Reload(ctx, Reset)
			case l.Event != nil:
				l.Event(ctx, ev)
			}
		case <-l.kicks():
			l.Reload(ctx, Kick)
		case <-poll:
			l.Reload(ctx, Poll)
		case <-retry:
			if l.offline() {
				l.Reload(ctx, Retry)
			}
		}
	}
}

// Worker runs work that waits on the hub off the UI thread and applies its result on it.
type Worker struct {
	Post    func(func())  // runs a function on the UI thread
	Timeout time.Duration // bounds each piece of work; 0: only the caller's ctx
	// Inline runs the work and its result on the caller's goroutine (headless screenshots).
	Inline bool
}

// Go runs work on its own goroutine and posts the function it returns, if not nil.
func (w Worker) Go(ctx context.Context, work func(ctx context.Context) func()) {
	run := func() func() {
		if w.Timeout <= 0 {
			return work(ctx)
		}
		c, cancel := context.WithTimeout(ctx, w.Timeout)
		defer cancel()
		return work(c)
	}
	if w.Inline {
		if f := run(); f != nil {
			f()
		}
		return
	}
	go func() {
		if f := run(); f != nil {
			w.Post(f)
		}
	}()
}
