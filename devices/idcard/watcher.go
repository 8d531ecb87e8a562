package idcard

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fengqiao/internal/backoff"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// State is the reader's condition as the kiosk shows it.
type State int

// The reader states.
const (
	StateDisconnected State = iota // 未连接: the port cannot be opened or went away
	StateReady                     // 就绪: waiting for a card
	StateReading                   // 读卡中: a new card is being read
	StateFault                     // 故障: the reader answers wrongly or not at all
)

var stateText = [...]struct{ name, label string }{
	StateDisconnected: {"disconnected", "未连接"},
	StateReady:        {"ready", "就绪"},
	StateReading:      {"reading", "读卡中"},
	StateFault:        {"fault", "故障"},
}

// String returns an English name for logs.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateText) {
		return stateText[s].name
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Label returns the Chinese name for the screen: 未连接, 就绪, 读卡中 or 故障.
func (s State) Label() string {
	if s >= 0 && int(s) < len(stateText) {
		return stateText[s].label
	}
	return "未知"
}

// EventKind tells what an Event reports.
type EventKind int

// The kinds of events.
const (
	// EventState reports a new State; Err tells why for StateDisconnected and StateFault.
	EventState EventKind = iota + 1
	// EventCard reports a card placed on the reader; Err is the result of Identity.Check
	// (nil for a valid card).
	EventCard
	// EventError reports a card that could not be read (Err; see Message for the screen). It
	// is reported once per placement.
	EventError
	// EventLifted reports that the card that lay on the reader was taken away.
	EventLifted
)

// Event is something the Watcher saw.
type Event struct {
	Kind  EventKind
	State State     // the state after the event
	Card  Identity  // EventCard only
	Err   error     // see EventKind
	Time  time.Time // when it happened
}

// WatcherConfig configures a Watcher. Zero fields take the documented defaults.
type WatcherConfig struct {
	// Reader configures the port; Reader.Port should be a stable name (see docs/devices.md).
	Reader Config
	// Interval is the pause between two find-card polls; 200 ms by default.
	Interval time.Duration
	// LiftAfter is how many "no card" answers in a row mean the card was lifted; 2 by default.
	LiftAfter int
	// FaultAfter is how many failed exchanges in a row (time-outs, garbled replies, SAM
	// errors) make the watcher report StateFault and reopen the port; 3 by default.
	FaultAfter int
	// ReopenMin and ReopenMax bound the back-off between attempts to (re)open the port;
	// 250 ms and 5 s by default.
	ReopenMin, ReopenMax time.Duration
	// Now is the clock for Identity.Check; time.Now by default.
	Now func() time.Time
	// Open opens the reader; Open by default. Tests may replace it.
	Open func(Config) (*Reader, error)
}

func (c WatcherConfig) withDefaults() WatcherConfig {
	c.Reader = c.Reader.withDefaults()
	if c.Interval <= 0 {
		c.Interval = 200 * time.Millisecond
	}
	if c.LiftAfter <= 0 {
		c.LiftAfter = 2
	}
	if c.FaultAfter <= 0 {
		c.FaultAfter = 3
	}
	if c.ReopenMin <= 0 {
		c.ReopenMin = 250 * time.Millisecond
	}
	if c.ReopenMax < c.ReopenMin {
		c.ReopenMax = max(5*time.Second, c.ReopenMin)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Open == nil {
		c.Open = Open
	}
	return c
}

// Watcher is the kiosk's reader loop. It polls the reader, reports each card once when it is
// placed (not again while it lies there, again when it is lifted and placed anew), reports
// state changes, and reopens the port with back-off when the reader is unplugged or faulty.
//
// It handles both behaviours of real readers for a card that was read and still lies there:
// those that answer find-card with "no card" until the card is lifted, and those that keep
// answering "card". In the second case the watcher reads the card again on each poll and
// reports it only if it is a different card. After the port is reopened, a card lying on
// the reader is reported once more.
//
// Events are queued without limit, so the watcher never waits for the consumer and the
// consumer never waits for the reader.
type Watcher struct {
	cfg WatcherConfig
	log *slog.Logger
	out chan Event

	mu      sync.Mutex
	cond    *sync.Cond
	pending []Event
	state   State
	done    bool
}

// NewWatcher returns a Watcher; call Run to start it.
func NewWatcher(cfg WatcherConfig) *Watcher {
	cfg = cfg.withDefaults()
	w := &Watcher{
		cfg: cfg,
		log: cfg.Reader.Logger.With("port", cfg.Reader.Port),
		out: make(chan Event),
	}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// Events returns the channel of events. It is closed after Run returns and the queued
// events are delivered (or ctx of Run has ended).
func (w *Watcher) Events() <-chan Event { return w.out }

// State returns the current state.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// Run watches the reader until ctx ends, then returns nil. Run it in a goroutine of its own
// and consume Events. It first reports the initial StateDisconnected.
func (w *Watcher) Run(ctx context.Context) error {
	go w.forward(ctx)
	defer func() {
		w.mu.Lock()
		w.done = true
		w.cond.Broadcast()
		w.mu.Unlock()
	}()
	w.emit(Event{Kind: EventState, State: StateDisconnected})
	b := backoff.Backoff{Min: w.cfg.ReopenMin, Max: w.cfg.ReopenMax}
	for ctx.Err() == nil {
		r, err := w.connect(ctx)
		if err == nil {
			b.Reset()
			w.watch(ctx, r)
			r.Close()
		} else if ctx.Err() == nil {
			w.log.Info("idcard: reader not available", "err", err, "retry_in", b.Wait())
		}
		if !sleep(ctx, b.Wait()) {
			break
		}
		if err != nil {
			b.Fail()
		}
	}
	return nil
}

// connect opens the port and checks that the SAM answers.
func (w *Watcher) connect(ctx context.Context) (*Reader, error) {
	r, err := w.cfg.Open(w.cfg.Reader)
	if err != nil {
		w.setState(StateDisconnected, err)
		return nil, err
	}
	if err := r.SAMStatus(ctx); err != nil {
		r.Close()
		if errors.Is(err, ErrDisconnected) {
			w.setState(StateDisconnected, err)
		} else if ctx.Err() == nil {
			w.setState(StateFault, err)
		}
		return nil, fmt.Errorf("check SAM: %w", err)
	}
	w.setState(StateReady, nil)
	return r, nil
}

// watch polls r until the reader goes away, turns faulty, or ctx ends.
func (w *Watcher) watch(ctx context.Context, r *Reader) {
	var (
		present  [32]byte // key of the card lying on the reader
		has      bool     // present is valid
		noCard   int      // no-card answers in a row
		failures int      // failed exchanges in a row
		reported bool     // a read failure was reported for this placement
	)
	for {
		err := r.FindCard(ctx)
		switch {
		case err == nil:
			noCard, failures = 0, 0
			fresh := !has
			if fresh {
				w.setState(StateReading, nil)
			}
			id, err := r.ReadFound(ctx)
			if fresh {
				w.setState(StateReady, nil)
			}
			if err != nil {
				err = w.readFailed(ctx, err, has, &reported, &failures)
				if err != nil {
					w.leave(ctx, err)
					return
				}
				break
			}
			if key := cardKey(id); !has || key != present {
				present, has, reported = key, true, false
				w.log.Info("idcard: card read", "card", id)
				w.emit(Event{Kind: EventCard, State: w.State(), Card: id, Err: id.Check(w.cfg.Now())})
			}
		case errors.Is(err, ErrNoCard):
			failures = 0
			if noCard++; noCard >= w.cfg.LiftAfter && (has || reported) {
				w.log.Debug("idcard: card lifted")
				if has {
					w.emit(Event{Kind: EventLifted, State: w.State()})
				}
				has, reported = false, false
			}
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrDisconnected) || errors.Is(err, ErrClosed):
			w.leave(ctx, err)
			return
		default:
			if failures++; failures >= w.cfg.FaultAfter {
				w.leave(ctx, err)
				return
			}
			w.log.Warn("idcard: find card failed", "err", err)
		}
		if !sleep(ctx, w.cfg.Interval) {
			return
		}
	}
}

// readFailed handles a failed select or read. It returns an error when the port must be
// reopened.
func (w *Watcher) readFailed(ctx context.Context, err error, has bool, reported *bool, failures *int) error {
	var se *StatusError
	switch {
	case ctx.Err() != nil:
		return nil
	case errors.Is(err, ErrDisconnected) || errors.Is(err, ErrClosed):
		return err
	case !errors.As(err, &se) && !errors.Is(err, ErrField):
		// Time-out or garbled reply.
		if *failures++; *failures >= w.cfg.FaultAfter {
			return err
		}
	}
	if has {
		// The card that lies there was read before; a failed re-read changes nothing.
		w.log.Debug("idcard: re-read of the present card failed", "err", err)
		return nil
	}
	w.log.Warn("idcard: card could not be read", "err", err)
	if !*reported {
		*reported = true
		w.emit(Event{Kind: EventError, State: w.State(), Err: err})
	}
	return nil
}

// leave reports why the watcher gives up the port.
func (w *Watcher) leave(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	if errors.Is(err, ErrDisconnected) || errors.Is(err, ErrClosed) {
		w.setState(StateDisconnected, err)
		return
	}
	w.setState(StateFault, err)
}

// cardKey identifies a card without keeping its content.
func cardKey(id Identity) [32]byte {
	b, _ := json.Marshal(id.Record()) // a Record always marshals
	h := sha256.New()
	h.Write(b)
	h.Write(id.Photo)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (w *Watcher) setState(s State, why error) {
	w.mu.Lock()
	changed := w.state != s
	w.state = s
	w.mu.Unlock()
	if !changed {
		return
	}
	if why != nil {
		w.log.Warn("idcard: reader state", "state", s.String(), "err", why)
	} else {
		w.log.Info("idcard: reader state", "state", s.String())
	}
	w.emit(Event{Kind: EventState, State: s, Err: why})
}

// emit queues e for the consumer without waiting.
func (w *Watcher) emit(e Event) {
	e.Time = w.cfg.Now()
	w.mu.Lock()
	w.pending = append(w.pending, e)
	w.cond.Signal()
	w.mu.Unlock()
}

// forward delivers queued events to w.out until Run is done and the queue is empty, or ctx
// has ended and the consumer does not take the next event.
func (w *Watcher) forward(ctx context.Context) {
	defer close(w.out)
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.cond.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	for {
		w.mu.Lock()
		for len(w.pending) == 0 && !w.done && ctx.Err() == nil {
			w.cond.Wait()
		}
		if len(w.pending) == 0 {
			w.mu.Unlock()
			return
		}
		e := w.pending[0]
		w.pending = w.pending[1:]
		w.mu.Unlock()
		select {
		case w.out <- e:
		case <-ctx.Done():
			return
		}
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
