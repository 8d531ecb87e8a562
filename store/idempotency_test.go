package store_test

import (
	"context"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

// Keys are kept IdempotencyRetention: within it a different request under a key is refused; after
// it the key acts as new, and older keys are purged when a key is recorded.
func TestIdempotencyKeysExpire(t *testing.T) {
	h, c := setup(t, nil)
	bg := context.Background()
	pause := func(key string, window int, body string) (app.WindowState, error) {
		ctx := app.WithIdempotency(bg, app.IdempotentRequest{Key: key, Method: "POST", Path: "/pause", BodySHA256: body})
		return h.SetPaused(ctx, window, true)
	}
	if _, err := pause("old", 1, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := pause("old", 1, "b"); code(err) != app.EIDEMPOTENCY {
		t.Fatalf("same key, other body: err = %v, want %s", err, app.EIDEMPOTENCY)
	}
	if _, err := pause("old", 2, "a"); code(err) != app.EIDEMPOTENCY {
		t.Fatalf("same key, other window: err = %v, want %s", err, app.EIDEMPOTENCY)
	}
	c.Set(c.Now().Add(store.IdempotencyRetention + time.Minute))
	st, err := pause("old", 2, "b")
	if err != nil || st.ID != 2 {
		t.Fatalf("expired key reused: %+v, %v; want it to act as new", st, err)
	}
	var n int
	if err := h.DB().Reader().QueryRow("SELECT count(*) FROM idempotency").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d keys kept, want only the new one", n)
	}
}
