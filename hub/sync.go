package hub

import (
	"context"
	"net/http"
	"time"
)

// SyncState is the health of the hall's sync with the centre, for the staff's 未同步 N 条
// indicator. Visitors never see it: only the window role may read it.
type SyncState struct {
	Configured    bool       `json:"configured"`     // a centre is configured
	Backlog       int64      `json:"backlog"`        // events the centre has not confirmed
	OldestPending float64    `json:"oldest_pending"` // age of the oldest of them, in seconds
	LastSuccess   *time.Time `json:"last_success,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	// Lost counts events that never reached the centre and were lost when the hall's database was
	// restored or rebuilt (a client had seen them): staff are told, since their records are gone.
	Lost int64 `json:"lost,omitempty"`
	// Stale is true when the backlog is old enough for staff to be told (older than StaleAfter).
	Stale bool `json:"stale"`
}

// StaleAfter is how old the oldest unsynced event must be before staff see 未同步 N 条.
const StaleAfter = 10 * time.Minute

// SetSyncStatus installs the function that reports the sync's state at GET /api/v1/sync.
func (s *Server) SetSyncStatus(fn func(ctx context.Context) (SyncState, error)) {
	s.syncStatus = fn
}

func (s *Server) syncState(w http.ResponseWriter, r *http.Request) error {
	if s.syncStatus == nil {
		return writeJSON(w, http.StatusOK, SyncState{})
	}
	st, err := s.syncStatus(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// SyncState reads the hub's sync state (window role).
func (c *Client) SyncState(ctx context.Context) (SyncState, error) {
	var st SyncState
	_, err := c.do(ctx, http.MethodGet, "/api/v1/sync", nil, &st)
	return st, err
}
