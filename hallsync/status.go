package hallsync

import (
	"context"
	"time"

	"fengqiao/store"
)

// Status is the health of the sync, for the console (未同步 N 条) and "fengqiao sync status".
type Status struct {
	Backlog       int64         // events the centre has not confirmed
	OldestPending time.Duration // age of the oldest of them; 0 without backlog
	Pushed        int64         // the push cursor: last event confirmed by the centre
	Pulled        int64         // the pull cursor: last centre change applied here
	LastSuccess   *time.Time    // end of the last exchange that succeeded
	LastError     string        // the last failure since then, if any
	LastErrorAt   *time.Time
	Recovering    bool  // a restored or rebuilt hall still taking its events back from the centre
	Lost          int64 // events a client saw that never reached the centre, lost in a restore
}

// Status returns the worker's status.
func (w *Worker) Status(ctx context.Context) (Status, error) {
	return ReadStatus(ctx, w.db, time.Now())
}

// ReadStatus reads the sync status from a hall database, with ages as of now.
func ReadStatus(ctx context.Context, db *store.DB, now time.Time) (Status, error) {
	st, err := db.SyncState(ctx)
	if err != nil {
		return Status{}, err
	}
	s := Status{Backlog: st.Backlog, Pushed: st.Pushed, Pulled: st.Pulled, LastSuccess: st.LastSuccess,
		LastError: st.LastError, LastErrorAt: st.LastErrorAt, Recovering: st.Recovering, Lost: st.Lost}
	if st.OldestPending != nil {
		s.OldestPending = max(0, now.Sub(*st.OldestPending))
	}
	return s, nil
}
