package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestReminders sends the reminders of the bookings due within a day to a fake SMS gateway and
// to a fake command: each booking once, the phone in the body only, nothing in the log; a
// failed send is tried again next round; nothing at all without a hook.
func TestReminders(t *testing.T) {
	f := newBookingFixture(t, centertest.SQLite(t), center.WithTrackLimit(60, 100))
	ctx := context.Background()
	tomorrow := book(t, f.srv.URL, f.siteA.ID, "legal", slot(1, 9, 0))
	book(t, f.srv.URL, f.siteA.ID, "legal", slot(4, 9, 0)) // Friday: not due yet
	later := book(t, f.srv.URL, f.siteB.ID, "legal", slot(1, 15, 0))

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	now := bookingNow.Add(9 * time.Hour) // Monday 16:00: Tuesday until 16:00 is within 24 hours
	rem := func(url, command string) *center.Reminders {
		return &center.Reminders{Store: f.st, Sites: f.st.Sites, URL: url, Command: command, Ahead: 24 * time.Hour,
			Log: log, Now: func() time.Time { return now }}
	}

	// Not configured: nothing is sent and nothing recorded (the demo's case).
	if n, err := rem("", "").Once(ctx); n != 0 || err != nil {
		t.Fatalf("unconfigured hook sent %d, %v", n, err)
	}

	var mu sync.Mutex
	var got []center.Reminder
	fail := true
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(r.URL.String(), bookPhone) || r.Method != "POST" || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("the gateway got %s %s", r.Method, r.URL)
		}
		if fail {
			fail = false
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var m center.Reminder
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Errorf("body %s: %v", raw, err)
		}
		got = append(got, m)
	}))
	defer gateway.Close()
	r := rem(gateway.URL+"/sms", "")
	if n, err := r.Once(ctx); n != 1 || err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("first round with a failing gateway: sent %d, %v; want 1 sent and the 502", n, err)
	}
	if n, err := r.Once(ctx); n != 1 || err != nil {
		t.Errorf("second round: sent %d, %v; want the failed one", n, err)
	}
	if n, err := r.Once(ctx); n != 0 || err != nil {
		t.Errorf("third round: sent %d, %v; want none (each once)", n, err)
	}
	if len(got) != 2 {
		t.Fatalf("the gateway got %d reminders, want 2", len(got))
	}
	byCode := map[string]center.Reminder{}
	for _, m := range got {
		byCode[m.Code] = m
	}
	m := byCode[tomorrow]
	if m.Hall != "枫桥镇" || m.Service != "法律咨询" || m.When != "3月2日 周二 09:00–09:30" || m.MaskedName != "欧**华" ||
		m.Phone != bookPhone || m.HallPhone != "0575-87011000" {
		t.Errorf("reminder %+v", m)
	}
	if _, ok := byCode[later]; !ok {
		t.Errorf("site B's booking of tomorrow afternoon was not reminded")
	}

	// A moved booking is reminded again, here through a command.
	if st, _ := post(f.srv.URL+"/b/"+tomorrow+"/move", bookMove(slot(1, 10, 0))); st != 303 {
		t.Fatalf("move: %d", st)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	script := filepath.Join(dir, "sms.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat >> "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if n, err := rem("", script).Once(ctx); n != 1 || err != nil {
		t.Errorf("command round: sent %d, %v", n, err)
	}
	raw, _ := os.ReadFile(out)
	var cm center.Reminder
	if err := json.Unmarshal(raw, &cm); err != nil || cm.Code != tomorrow || cm.When != "3月2日 周二 10:00–10:30" || cm.Phone != bookPhone {
		t.Errorf("the command got %s (%v)", raw, err)
	}
	if strings.Contains(logs.String(), bookPhone) || strings.Contains(logs.String(), bookName) {
		t.Errorf("the log holds personal data: %s", logs.String())
	}
}

func bookMove(slotValue string) map[string][]string {
	return map[string][]string{"slot": {slotValue}, "last4": {"5678"}}
}
