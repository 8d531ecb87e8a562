package center

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// ReplicaStore is a store that can send reads to a streaming replica of its database (serve
// --read-dsn). The server sends the tracking page's, the dashboard's and the exports' reads
// there (ReadFromReplica), except for a user whose own last change the replica has not replayed
// yet: their reads go to the primary until it has (read-your-writes). Everything else, writes,
// sessions and the halls' sync endpoints, uses the primary.
type ReplicaStore interface {
	// HasReplica reports whether a replica is attached.
	HasReplica() bool
	// WriteLSN returns the primary's current WAL position (e.g. "0/3000148"): a change committed
	// before the call is at or before it.
	WriteLSN(ctx context.Context) (string, error)
	// ReplayedPast reports whether the replica has replayed the WAL up to the position.
	ReplayedPast(ctx context.Context, lsn string) (bool, error)
	// ReplicaLag tells how far the replica is behind the primary.
	ReplicaLag(ctx context.Context) (ReplicaLag, error)
}

// ReplicaLag is how far a replica is behind its primary.
type ReplicaLag struct {
	Bytes      int64     // WAL the replica has still to replay
	ReplayedAt time.Time // commit time of the last transaction it replayed (zero: none yet)
	Paused     bool      // replay is paused (pg_wal_replay_pause)
}

// Text describes the lag for the dashboard: bytes behind, and how old the last replayed
// transaction is when the replica is behind (an idle primary commits nothing, so the age alone
// would be no lag).
func (l ReplicaLag) Text(now time.Time) string {
	s := "已同步"
	if l.Bytes > 0 {
		s = fmt.Sprintf("落后 %d 字节", l.Bytes)
		if !l.ReplayedAt.IsZero() {
			s += fmt.Sprintf("（最后重放的事务在 %.1f 秒前）", now.Sub(l.ReplayedAt).Seconds())
		}
	}
	if l.Paused {
		s += "，重放已暂停"
	}
	return s
}

type replicaKey struct{}

// ReadFromReplica reports whether the request behind ctx may read from the replica.
func ReadFromReplica(ctx context.Context) bool {
	ok, _ := ctx.Value(replicaKey{}).(bool)
	return ok
}

// lsnCookie holds the WAL position of the user's last change while the replica may lack it.
const lsnCookie = "fq_lsn"

var lsnPattern = regexp.MustCompile(`^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$`)

// replica returns the store's replica side, or nil when it reads from the primary only.
func (s *Server) replica() ReplicaStore {
	if rs, ok := s.web.(ReplicaStore); ok && rs.HasReplica() {
		return rs
	}
	return nil
}

// readFrom sends the reads of a page (a GET of the tracking page or the dashboard) to the
// replica, unless the visitor's last change is not on it yet. Once it is, the cookie goes.
func (s *Server) readFrom(w http.ResponseWriter, r *http.Request) *http.Request {
	rs := s.replica()
	if rs == nil {
		return r
	}
	if c, err := r.Cookie(lsnCookie); err == nil && lsnPattern.MatchString(c.Value) {
		done, err := rs.ReplayedPast(r.Context(), c.Value)
		if err != nil {
			s.log.WarnContext(r.Context(), "replica position unknown; reading from the primary", "err", err)
			return r
		}
		if !done {
			return r
		}
		http.SetCookie(w, &http.Cookie{Name: lsnCookie, Value: "", Path: "/", MaxAge: -1})
	}
	return r.WithContext(context.WithValue(r.Context(), replicaKey{}, true))
}

// lsnWriter remembers, when a signed-in user's change succeeds, the primary's WAL position in a
// cookie, so that the user's next pages read from the primary until the replica has it.
type lsnWriter struct {
	http.ResponseWriter
	r       *http.Request
	s       *Server
	rs      ReplicaStore
	written bool
}

func (lw *lsnWriter) WriteHeader(status int) {
	if !lw.written && status < 400 {
		lw.written = true
		lsn, err := lw.rs.WriteLSN(lw.r.Context())
		if err != nil {
			lw.s.log.WarnContext(lw.r.Context(), "read the primary's WAL position", "err", err)
		} else {
			http.SetCookie(lw, &http.Cookie{Name: lsnCookie, Value: lsn, Path: "/", HttpOnly: true, Secure: lw.s.secure,
				SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL / time.Second)})
		}
	}
	lw.written = true
	lw.ResponseWriter.WriteHeader(status)
}

func (lw *lsnWriter) Write(b []byte) (int, error) {
	if !lw.written {
		lw.WriteHeader(http.StatusOK)
	}
	return lw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (lw *lsnWriter) Unwrap() http.ResponseWriter { return lw.ResponseWriter }

// routeReads wraps a page request for the replica: GETs may read from it, a signed-in user's
// POST records where its change is.
func (s *Server) routeReads(w http.ResponseWriter, r *http.Request, rule Rule) (http.ResponseWriter, *http.Request) {
	if rule.Auth != Public && rule.Auth != SessionCookie {
		return w, r
	}
	if r.Method == http.MethodGet {
		return w, s.readFrom(w, r)
	}
	if rs := s.replica(); rs != nil && rule.Auth == SessionCookie {
		return &lsnWriter{ResponseWriter: w, r: r, s: s, rs: rs}, r
	}
	return w, r
}

// replicaStatus describes the replica's lag for an admin's page: "" without a replica or for
// another role; behind when it lags or cannot be read.
func (s *Server) replicaStatus(ctx context.Context, u User) (text string, behind bool) {
	rs := s.replica()
	if rs == nil || u.Role != RoleAdmin {
		return "", false
	}
	lag, err := rs.ReplicaLag(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "read the replica's lag", "err", err)
		return "无法读取副本状态", true
	}
	return lag.Text(s.now()), lag.Bytes > 0 || lag.Paused
}
