package hub_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

// logEvents appends n window events straight to the hall's log, as if they had happened while a
// client was away.
func logEvents(t *testing.T, hall *store.Hall, n int) {
	t.Helper()
	tx, err := hall.DB().Writer().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range n {
		ev := app.Event{At: at.Add(time.Duration(i) * time.Second), Kind: app.EventPaused, Window: 1}
		body, _ := json.Marshal(ev)
		if _, err := tx.Exec("INSERT INTO events (at, kind, window_id, body) VALUES (?, ?, 1, ?)",
			ev.At.UnixMicro(), ev.Kind, string(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// A client 5,000 events behind gets every one of them, in order, then the live events, without a
// gap or a repeat, even when its connection drops halfway.
func TestEventsReplayEveryMissedEvent(t *testing.T) {
	srv, hall := newHub(t)
	const missed, live = 5000, 30
	logEvents(t, hall.Hall, missed)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	events, err := hub.NewClient(srv.URL, display).Subscribe(ctx, 1) // a plain id, as before epochs
	if err != nil {
		t.Fatal(err)
	}
	liveDone := make(chan error, 1)
	next := int64(2)
	for next <= missed+live {
		var ev app.Event
		select {
		case ev = <-events:
		case <-ctx.Done():
			t.Fatalf("stream stalled: next id %d", next)
		}
		if ev.ID != next {
			t.Fatalf("got event %d (%s), want %d: a gap or a repeat", ev.ID, ev.Kind, next)
		}
		if ev.ID <= missed && !ev.Replayed {
			t.Fatalf("missed event %d not marked replayed", ev.ID)
		}
		switch ev.ID {
		case 10:
			go func() { // live changes while the client is still catching up
				for i := range live {
					if _, err := hall.SetPaused(ctx, 2, i%2 == 0); err != nil {
						liveDone <- err
						return
					}
				}
				liveDone <- nil
			}()
		case 2500:
			srv.CloseClientConnections() // the client resumes with the stream's own id
		}
		next++
	}
	if err := <-liveDone; err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		t.Errorf("extra event %d after the newest", ev.ID)
	case <-time.After(300 * time.Millisecond):
	}
}

// sseEvent is one event read off the raw stream.
type sseEvent struct{ id, event, data string }

// openEvents opens the raw event stream with the given Last-Event-ID and returns a reader of its
// events.
func openEvents(t *testing.T, ctx context.Context, srv *httptest.Server, lastID string) func() sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+display)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("events: %s", resp.Status)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() sseEvent {
		t.Helper()
		var ev sseEvent
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatal("stream ended")
				}
				if v, ok := strings.CutPrefix(line, "id: "); ok {
					ev.id = v
				} else if v, ok := strings.CutPrefix(line, "event: "); ok {
					ev.event = v
				} else if v, ok := strings.CutPrefix(line, "data: "); ok {
					ev.data = v
				} else if line == "" && ev.data != "" {
					return ev
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no event within 5s (Last-Event-ID %q)", lastID)
			}
		}
	}
}

func TestEventsResumeOrReset(t *testing.T) {
	srv, hall := newHub(t)
	logEvents(t, hall.Hall, 5)
	epoch := hall.Epoch()
	if len(epoch) != 16 || strings.Contains(epoch, "-") {
		t.Fatalf("epoch %q", epoch)
	}
	tests := []struct {
		name, lastID string
		wantEvent    string
		wantID       string // "": the newest event's
	}{
		{"same epoch", epoch + "-2", string(app.EventPaused), epoch + "-3"},
		{"plain id within range", "2", string(app.EventPaused), epoch + "-3"},
		{"above the newest", epoch + "-999", "reset", ""},
		{"plain id above the newest", "999", "reset", ""},
		{"another epoch", "0123456789abcdef-2", "reset", ""},
		{"unreadable", "yesterday", "reset", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			newest, _ := hall.LastEventID(ctx)
			if tt.wantID == "" {
				tt.wantID = fmt.Sprintf("%s-%d", epoch, newest)
			}
			next := openEvents(t, ctx, srv, tt.lastID)
			ev := next()
			if ev.event != tt.wantEvent || ev.id != tt.wantID {
				t.Fatalf("first event %q id %q, want %q id %q", ev.event, ev.id, tt.wantEvent, tt.wantID)
			}
			if ev.event != "reset" {
				return
			}
			var reset app.Event
			if err := json.Unmarshal([]byte(ev.data), &reset); err != nil || reset.Kind != app.EventStreamReset {
				t.Fatalf("reset data %s: %v", ev.data, err)
			}
			// After a reset the stream carries on with new events.
			if _, err := hall.SetPaused(ctx, 1, true); err != nil {
				t.Fatal(err)
			}
			if ev := next(); ev.id != fmt.Sprintf("%s-%d", epoch, newest+1) || strings.Contains(ev.data, `"replayed"`) {
				t.Errorf("after reset got %+v, want the live event %d", ev, newest+1)
			}
		})
	}
}

// hub.Client hands a reset to its subscriber as an app.EventStreamReset event, then live events.
func TestClientSurfacesReset(t *testing.T) {
	srv, hall := newHub(t)
	logEvents(t, hall.Hall, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := hub.NewClient(srv.URL, rating).Subscribe(ctx, 9999) // an id from before a restore
	if err != nil {
		t.Fatal(err)
	}
	want := []app.EventKind{app.EventStreamReset, app.EventPaused}
	for i, kind := range want {
		select {
		case ev := <-events:
			// The reset comes live; the pause made after it may come live or, when it was logged
			// while the client subscribed again from the new history, replayed: either way once.
			if ev.Kind != kind || i == 0 && ev.Replayed {
				t.Fatalf("event %d: %+v, want %s", i, ev, kind)
			}
			if i == 0 {
				if _, err := hall.SetPaused(ctx, 1, true); err != nil {
					t.Fatal(err)
				}
			}
		case <-ctx.Done():
			t.Fatalf("no %s event", kind)
		}
	}
}
