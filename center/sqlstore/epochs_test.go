package sqlstore_test

import (
	"context"
	"testing"

	"fengqiao/app"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestEpochBehind: a restored hall (a new epoch) whose new events overlap ids the centre applied
// under the old epoch is refused with epoch_behind and nothing of it is applied; once it has
// recovered through the centre's mark, its events continue the log.
func TestEpochBehind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		site := addSite(t, s, "城关镇")
		old := busyHall(t)
		evs := centertest.Outbox(t, old.DB(), 0)
		try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: evs[:4], Epoch: "e1"})).must(t)
		hwm := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: evs, Epoch: "e1"})).must(t).AppliedThrough

		// The restored hall holds the first 4 events and has made others with the next ids.
		restored := centertest.NewHall(t)
		for i := range 3 {
			try(restored.Issue(ctx, app.IssueRequest{Service: "legal",
				Visitor: &app.Visitor{IDNumber: centertest.IDNumber(100 + i)}})).must(t)
		}
		fresh := centertest.Outbox(t, restored.DB(), 0)
		before := stats(t, s, site.ID)
		for _, rt := range []int64{0, 4, hwm} { // its own claim counts only as far as the centre saw it recover
			_, err := s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: fresh[4:], Epoch: "e2", RecoveredThrough: rt})
			if app.ErrorCode(err) != app.EEPOCHBEHIND {
				t.Fatalf("recovered through %d: push of another epoch's overlapping ids: err = %v, want %s", rt, err, app.EEPOCHBEHIND)
			}
		}
		if after := stats(t, s, site.ID); after != before {
			t.Fatalf("a refused push changed the centre: %+v → %+v", before, after)
		}
		// The same events under the epoch that made them are duplicates, as before.
		if r := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: evs, Epoch: "e1"})).must(t); r.Applied != 0 || r.AppliedThrough != hwm {
			t.Fatalf("resend under e1: %+v", r)
		}

		rec := try(s.Recover(ctx, site.ID, "e2", 4, 0, wire.MaxBatch)).must(t)
		if len(rec.Events) != int(hwm-4) || rec.Events[0].ID != 5 || rec.AppliedThrough != hwm {
			t.Fatalf("recover after 4: %d events from %d, through %d; want %d from 5, through %d",
				len(rec.Events), rec.Events[0].ID, rec.AppliedThrough, hwm-4, hwm)
		}
		if len(rec.Epochs) != 2 || rec.Epochs[0] != "e1" || rec.Epochs[1] != "e2" {
			t.Fatalf("epochs = %v", rec.Epochs)
		}
		for _, e := range rec.Events {
			if e.Kind == app.EventCaseOpened && len(e.Private) == 0 {
				t.Fatalf("event %d: the case's identity is missing", e.ID)
			}
		}
		next := fresh[0]
		next.ID = hwm + 1
		r := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: []wire.Event{next}, Epoch: "e2", RecoveredThrough: hwm})).must(t)
		if r.Applied != 1 || r.AppliedThrough != hwm+1 {
			t.Fatalf("push after recovery: %+v", r)
		}
		// The old epoch's hall, still around, cannot slip its event hwm+1 in as a duplicate.
		stale := evs[len(evs)-1]
		stale.ID = hwm + 1
		if _, err := s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: []wire.Event{stale}, Epoch: "e1"}); app.ErrorCode(err) != app.EEPOCHBEHIND {
			t.Fatalf("old epoch pushing an id applied under the new one: err = %v", err)
		}
	})
}
