package hallsync

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"fengqiao/store"
	"fengqiao/wire"
)

// epochHeader carries the hall's epoch on GET /api/v1/sync/recover (center.EpochHeader).
const epochHeader = "Fengqiao-Epoch"

// recoverPage is how many events one recovery request asks for.
const recoverPage = 500

// Recover takes back from the centre the hall's own events beyond what its database holds, when
// the database is marked for it (a restore, or "fengqiao hub --recover" on an empty data folder):
// page by page, each page stored and projected into the hall's tables in one transaction
// (store.Hall.ApplyRecovered), then the cursors and counters are set (store.Hall.FinishRecovery).
// The hub runs it before it serves or pushes; it does nothing when no recovery is pending. See
// docs/sync.md, "Epochs and recovery".
func (w *Worker) Recover(ctx context.Context) error {
	r, err := w.db.Recovery(ctx)
	if err != nil || !r.Pending {
		return err
	}
	st, err := w.db.SyncState(ctx)
	if err != nil {
		return err
	}
	after := r.After
	for {
		q := url.Values{"after": {strconv.FormatInt(after, 10)}, "pulled": {strconv.FormatInt(st.Pulled, 10)},
			"limit": {strconv.Itoa(recoverPage)}}
		var reply wire.RecoverReply
		if err := w.call(ctx, http.MethodGet, "/api/v1/sync/recover", q, nil, &reply); err != nil {
			return fmt.Errorf("recover: %w", err)
		}
		rows := make([]store.OutboxEvent, 0, len(reply.Events))
		for _, e := range reply.Events {
			if e.ID != after+1+int64(len(rows)) {
				return fmt.Errorf("recover: the centre sent event %d after %d", e.ID, after+int64(len(rows)))
			}
			rows = append(rows, store.OutboxEvent{ID: e.ID, At: e.At, Kind: e.Kind, Body: e.Body, Private: e.Private})
		}
		if err := w.hall.ApplyRecovered(ctx, rows); err != nil {
			return err
		}
		if n := len(rows); n > 0 {
			after = rows[n-1].ID
		}
		if len(rows) == 0 || after >= reply.AppliedThrough {
			if err := w.hall.FinishRecovery(ctx, min(after, reply.AppliedThrough), reply.Epochs, reply.Echoed); err != nil {
				return err
			}
			w.cfg.Logger.InfoContext(ctx, "recovered the hall's events from the centre", "from", r.After+1, "through", after)
			return nil
		}
	}
}

// RecoverUntilDone runs Recover until it succeeds or ctx ends, waiting with back-off between
// attempts: a restored hall must not issue events before it holds those the centre has.
func (w *Worker) RecoverUntilDone(ctx context.Context) error {
	for failures := 1; ; failures++ {
		err := w.Recover(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		wait := Backoff(failures, w.cfg.MinBackoff, w.cfg.MaxBackoff)
		w.cfg.Logger.WarnContext(ctx, "recovery from the centre failed; the hub waits for it", "err", err, "retry_in", wait)
		if rerr := w.db.RecordSyncError(context.WithoutCancel(ctx), err.Error(), time.Now()); rerr != nil {
			w.cfg.Logger.ErrorContext(ctx, "record sync error", "err", rerr)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}
