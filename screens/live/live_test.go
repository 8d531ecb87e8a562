package live

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
)

// feed is a hall whose event stream the test writes.
type feed struct{ events chan app.Event }

func (f feed) Subscribe(context.Context, int64) (<-chan app.Event, error) { return f.events, nil }

// recorder collects what a loop does: its reloads, events and online reports, in order.
type recorder struct {
	mu     sync.Mutex
	got    []string
	err    error // what Load returns
	posted chan func()
}

func newRecorder() *recorder { return &recorder{posted: make(chan func(), 64)} }

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
}

func (r *recorder) setErr(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

func (r *recorder) post(f func()) { r.posted <- f }

// waitFor runs posted functions until the record holds want, in order, at its end.
func (r *recorder) waitFor(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		r.mu.Lock()
		got := append([]string(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= len(want) && equal(got[len(got)-len(want):], want) {
			return
		}
		select {
		case f := <-r.posted:
			f()
		case <-time.After(time.Millisecond):
		case <-deadline:
			t.Fatalf("got %q, want it to end with %q", got, want)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var errDown = errors.New("hub unreachable")

func (r *recorder) loop(f feed) *Loop {
	l := &Loop{Name: "test", Events: f, Post: r.post}
	l.Load = func(_ context.Context, why Reason) error {
		r.add("load " + why.String())
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.err
	}
	l.Event = func(_ context.Context, ev app.Event) {
		r.add("event " + string(ev.Kind))
		if ev.Kind == app.EventCompleted {
			l.Kick()
		}
	}
	l.Online = func(ok bool) {
		if ok {
			r.add("online")
		} else {
			r.add("offline")
		}
	}
	return l
}

func run(t *testing.T, l *Loop) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestLoop(t *testing.T) {
	tests := []struct {
		name string
		send app.Event
		want []string
	}{
		{"a stream reset reloads", app.Event{Kind: app.EventStreamReset}, []string{"load reset", "online"}},
		{"an event goes to Event", app.Event{Kind: app.EventCalled}, []string{"event " + string(app.EventCalled)}},
		{"Event may kick a reload", app.Event{Kind: app.EventCompleted}, []string{"event " + string(app.EventCompleted), "load kick", "online"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, f := newRecorder(), feed{events: make(chan app.Event)}
			run(t, r.loop(f))
			r.waitFor(t, "load start", "online")
			f.events <- tt.send
			r.waitFor(t, tt.want...)
		})
	}
}

// Kicks that come while one is pending make one reload.
func TestKicksCoalesce(t *testing.T) {
	r := newRecorder()
	l := r.loop(feed{})
	l.Post = func(f func()) { f() } // in order with the loads
	for range 5 {
		l.Kick()
	}
	run(t, l)
	r.waitFor(t, "load start", "online", "load kick", "online")
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.got) != 4 {
		t.Fatalf("got %q after five kicks, want one kicked reload", r.got)
	}
}

// While the hub is out of reach the loop says so and retries at Retry; once it answers, it says
// so and stops retrying; the poll goes on either way.
func TestRetryWhileOffline(t *testing.T) {
	r := newRecorder()
	r.setErr(errDown)
	l := r.loop(feed{})
	l.Retry = 5 * time.Millisecond
	run(t, l)
	r.waitFor(t, "load start", "offline")
	r.waitFor(t, "load retry", "offline")
	r.setErr(nil)
	r.waitFor(t, "load retry", "online")
	time.Sleep(50 * time.Millisecond)
	for len(r.posted) > 0 {
		(<-r.posted)()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if last := r.got[len(r.got)-2:]; !equal(last, []string{"load retry", "online"}) {
		t.Fatalf("the loop went on retrying online: %q", r.got)
	}
}

func TestPoll(t *testing.T) {
	r := newRecorder()
	l := r.loop(feed{})
	l.Poll = 5 * time.Millisecond
	run(t, l)
	r.waitFor(t, "load poll", "online", "load poll", "online")
}

// Outage tells an unreachable hub from a refusal: only the former reports offline.
func TestOutage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, "online"},
		{errDown, "offline"},
		{app.Errorf(app.ENOTFOUND, "no such window"), "online"},
	}
	for _, tt := range tests {
		r := newRecorder()
		r.setErr(tt.err)
		l := r.loop(feed{})
		l.Outage = func(err error) bool { return errors.Is(err, errDown) }
		run(t, l)
		r.waitFor(t, "load start", tt.want)
	}
}

// A stream that closes is not read again; the loop goes on until ctx ends.
func TestClosedStream(t *testing.T) {
	r, f := newRecorder(), feed{events: make(chan app.Event)}
	l := r.loop(f)
	l.Poll = 5 * time.Millisecond
	run(t, l)
	close(f.events)
	r.waitFor(t, "load poll", "online")
}

func TestWorker(t *testing.T) {
	posted := make(chan func(), 1)
	w := Worker{Post: func(f func()) { posted <- f }, Timeout: time.Minute}
	ran := false
	w.Go(context.Background(), func(ctx context.Context) func() {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the work has no deadline")
		}
		return func() { ran = true }
	})
	(<-posted)()
	if !ran {
		t.Fatal("the result did not run")
	}

	// A nil result posts nothing.
	done := make(chan struct{})
	w.Go(context.Background(), func(context.Context) func() { defer close(done); return nil })
	<-done
	select {
	case <-posted:
		t.Fatal("a nil result was posted")
	case <-time.After(20 * time.Millisecond):
	}

	// Inline runs both on the caller's goroutine; with no Timeout the work gets ctx itself.
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, 1)
	inline := Worker{Inline: true, Post: func(func()) { t.Fatal("Inline posted") }}
	var order []string
	inline.Go(ctx, func(c context.Context) func() {
		if c != ctx {
			t.Error("the work got a derived context without a Timeout")
		}
		order = append(order, "work")
		return func() { order = append(order, "result") }
	})
	if !equal(order, []string{"work", "result"}) {
		t.Fatalf("inline order %q", order)
	}
}
