package centertest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"fengqiao/app"
	"fengqiao/store"
	"fengqiao/wire"
)

// Windows are the windows of a test hall: each serves every default service.
var Windows = []app.Window{
	{ID: 1, Name: "1号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
	{ID: 2, Name: "2号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
}

// OpenHall opens (creating it) a hall database at path with the default services, the test
// windows, and rules that never close and set no per-ID limit.
func OpenHall(ctx context.Context, path string) (*store.Hall, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	rules := app.DefaultRules()
	rules.Hours = app.AlwaysOpen
	rules.PerIDLimit = 0
	info := app.Info{Name: "测试大厅", Code: "test", Services: app.DefaultServices(), Windows: Windows}
	return store.NewHall(db, info, rules, nil), nil
}

// NewHall returns a new hall in the test's temporary directory, closed when the test ends.
func NewHall(t testing.TB) *store.Hall {
	t.Helper()
	h, err := OpenHall(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.DB().Close() })
	return h
}

// IDNumber returns a valid, fictitious resident ID number, different for each i < 1000.
func IDNumber(i int) string {
	s := fmt.Sprintf("11010119800101%03d", i%1000)
	return s + string(app.IDCheckChar(s))
}

// Outbox returns the hall's events after the id, as pushed to the centre.
func Outbox(t testing.TB, db *store.DB, after int64) []wire.Event {
	t.Helper()
	evs, err := db.Outbox(context.Background(), after, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return Events(evs)
}

// Events converts outbox rows to pushed events.
func Events(evs []store.OutboxEvent) []wire.Event {
	out := make([]wire.Event, len(evs))
	for i, e := range evs {
		out[i] = wire.Event{ID: e.ID, At: e.At, Kind: e.Kind, Body: e.Body, Private: e.Private}
	}
	return out
}
