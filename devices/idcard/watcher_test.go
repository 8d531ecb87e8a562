package idcard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
)

// liveness bounds every wait for an event; it guards against hangs and is not a timing
// assertion.
const liveness = 10 * time.Second

// watch starts a watcher on sim with fast polling and returns its events.
func watch(t *testing.T, sim *idcardsim.Simulator, now time.Time) (*idcard.Watcher, <-chan idcard.Event) {
	t.Helper()
	w := idcard.NewWatcher(idcard.WatcherConfig{
		Reader:    idcard.Config{Port: sim.Path(), Logger: quiet, Timeout: 300 * time.Millisecond},
		Interval:  5 * time.Millisecond,
		ReopenMin: 5 * time.Millisecond,
		ReopenMax: 50 * time.Millisecond,
		Now:       func() time.Time { return now },
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return w, w.Events()
}

// await returns the first event matching ok, failing the test if none comes.
func await(t *testing.T, events <-chan idcard.Event, what string, ok func(idcard.Event) bool) idcard.Event {
	t.Helper()
	timeout := time.After(liveness)
	for {
		select {
		case e, open := <-events:
			if !open {
				t.Fatalf("events closed while waiting for %s", what)
			}
			if ok(e) {
				return e
			}
		case <-timeout:
			t.Fatalf("no %s event", what)
		}
	}
}

func isCard(e idcard.Event) bool { return e.Kind == idcard.EventCard }

func isState(s idcard.State) func(idcard.Event) bool {
	return func(e idcard.Event) bool { return e.Kind == idcard.EventState && e.State == s }
}

// quietFor lets the watcher poll the simulator n more times and fails if it reports a card
// meanwhile.
func quietFor(t *testing.T, sim *idcardsim.Simulator, events <-chan idcard.Event, n int) {
	t.Helper()
	target := sim.Count(idcard.CmdFindCard) + n
	timeout := time.After(liveness)
	for sim.Count(idcard.CmdFindCard) < target {
		select {
		case e := <-events:
			if isCard(e) {
				t.Fatalf("card reported again while it lay on the reader: %v", e.Card)
			}
		case <-timeout:
			t.Fatalf("watcher stopped polling")
		case <-time.After(time.Millisecond):
		}
	}
}

var today = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

func TestWatcherOncePerPlacement(t *testing.T) {
	for _, mode := range []idcardsim.FindMode{idcardsim.FindKeepsCard, idcardsim.FindOncePerPlacement} {
		t.Run(mode.String(), func(t *testing.T) {
			sim := newSim(t, idcardsim.Options{Mode: mode})
			w, events := watch(t, sim, today)
			await(t, events, "ready", isState(idcard.StateReady))

			sim.Place(*testCard())
			e := await(t, events, "card", isCard)
			if e.Err != nil || e.Card.Number != testCard().Number {
				t.Fatalf("card event = %v, err %v", e.Card, e.Err)
			}
			reads := sim.Count(idcard.CmdReadText)
			quietFor(t, sim, events, 10)
			if mode == idcardsim.FindOncePerPlacement && sim.Count(idcard.CmdReadText) != reads {
				t.Errorf("watcher read a card the reader reported absent")
			}

			// Lifted and placed anew: reported again.
			sim.Lift()
			quietFor(t, sim, events, 3)
			sim.Place(*testCard())
			await(t, events, "card after lift and place", isCard)
			quietFor(t, sim, events, 5)

			// Another card replaces it without a poll seeing the reader empty.
			other := *testCard()
			other.Name = "李四"
			sim.Place(other)
			if e := await(t, events, "second card", isCard); e.Card.Name != "李四" {
				t.Errorf("second card = %v", e.Card)
			}
			if got := w.State(); got != idcard.StateReady {
				t.Errorf("State = %v, want ready", got)
			}
		})
	}
}

func TestWatcherReconnects(t *testing.T) {
	sim := newSim(t, idcardsim.Options{Card: testCard()})
	_, events := watch(t, sim, today)
	await(t, events, "first card", isCard)

	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	e := await(t, events, "disconnected", isState(idcard.StateDisconnected))
	if !errors.Is(e.Err, idcard.ErrDisconnected) {
		t.Errorf("disconnected event error = %v", e.Err)
	}
	if e.State.Label() != "未连接" {
		t.Errorf("label = %q", e.State.Label())
	}
	sim.Lift()
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	await(t, events, "ready after replug", isState(idcard.StateReady))
	sim.Place(*testCard())
	await(t, events, "card after replug", isCard)
}

func TestWatcherReadFailureAndInvalidCard(t *testing.T) {
	sim := newSim(t, idcardsim.Options{})
	// A day after the test card's last valid day.
	_, events := watch(t, sim, time.Date(2040, 1, 2, 9, 0, 0, 0, time.UTC))
	await(t, events, "ready", isState(idcard.StateReady))

	sim.InjectFault(idcardsim.FaultReadFailure)
	sim.Place(*testCard())
	reading := await(t, events, "reading", func(e idcard.Event) bool {
		return isState(idcard.StateReading)(e) || isCard(e) || e.Kind == idcard.EventError
	})
	if reading.Kind != idcard.EventState {
		t.Fatalf("first event after placing = %+v, want state reading", reading)
	}
	e := await(t, events, "read error", func(e idcard.Event) bool { return e.Kind == idcard.EventError || isCard(e) })
	if e.Kind != idcard.EventError || !errors.Is(e.Err, idcard.ErrReadFailed) {
		t.Fatalf("event = kind %v err %v, want a read error", e.Kind, e.Err)
	}
	if idcard.Message(e.Err) != "读卡失败，请重新放置身份证" {
		t.Errorf("Message = %q", idcard.Message(e.Err))
	}
	e = await(t, events, "card", isCard)
	if !errors.Is(e.Err, idcard.ErrExpired) {
		t.Errorf("card event error = %v, want ErrExpired", e.Err)
	}
}

func TestWatcherFaultAndRecovery(t *testing.T) {
	sim := newSim(t, idcardsim.Options{})
	_, events := watch(t, sim, today)
	await(t, events, "ready", isState(idcard.StateReady))
	for range 3 {
		sim.InjectFault(idcardsim.FaultSilence)
	}
	e := await(t, events, "fault", isState(idcard.StateFault))
	if !errors.Is(e.Err, idcard.ErrTimeout) {
		t.Errorf("fault event error = %v, want ErrTimeout", e.Err)
	}
	await(t, events, "ready again", isState(idcard.StateReady))
	sim.Place(*testCard())
	await(t, events, "card", isCard)
}
