// Package center is the domain of the Fengqiao centre server (综治中心): the records that every
// hall pushes, the cases the centre owns, and the changes it sends back to the halls.
//
// The centre keeps one copy of each hall's event log and projects it into cases and tickets.
// Ownership decides who may change a case: the hall that opened it until the hall escalates it
// (event case.escalated), then the centre. Each side only ever changes the status of the cases it
// owns; follow-up notes are appended by either side. Nothing is merged and no write wins by time.
//
// The protocol is described in docs/sync.md and its bodies are the types of package wire, which
// the halls use too. Storage lives in package center/sqlstore, the HTTP API in this package
// (Server).
package center

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// Case is a case as the centre holds it.
type Case struct {
	app.Case
	Site string `json:"site"`
	// Worker is the name of the site the centre handed the case to, which works it now (镇级受理);
	// "" if none. See docs/sync.md, "Who owns a case".
	Worker string `json:"worker,omitempty"`
}

// Site is a hall that pushes to the centre.
type Site struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	AppliedThrough int64  `json:"applied_through"` // high-water mark of its events
	LastSeq        int64  `json:"last_seq"`        // last change sent back to it
	Phone          string `json:"phone,omitempty"` // the hall's phone for residents
	Town           int64  `json:"town,omitempty"`  // the region (a town) the hall belongs to; 0 if not placed

	// Freshness: the last push and pull, the events the hall still had to send at its last push,
	// and the catalogue it last sent (nil until it sends one). See freshness.go.
	LastPushAt *time.Time      `json:"last_push_at,omitempty"`
	LastPullAt *time.Time      `json:"last_pull_at,omitempty"`
	Backlog    int64           `json:"backlog"`
	Catalogue  *wire.Catalogue `json:"catalogue,omitempty"`
}

// Principal is who a bearer token belongs to: a site (hall) or a centre user.
type Principal struct {
	Site    *Site // set for a hall's token
	User    *User // set for a centre user's token
	TokenID int64 // the user's token
}

// Outcomes of hall events at the centre, kept with each raw event.
const (
	OutcomeApplied  = "applied"  // projected into cases and tickets
	OutcomeRecorded = "recorded" // kept, nothing to project (window events, unknown kinds)
	OutcomeEcho     = "echo"     // the hall's record of a change that came from the centre
	OutcomeRefused  = "refused"  // breaks the ownership rule: kept with a reason, not applied
)

// Store is the centre database. Package center/sqlstore implements it on PostgreSQL and SQLite.
type Store interface {
	// AddSite registers a hall with the hash of its token.
	AddSite(ctx context.Context, name string, tokenHash []byte) (Site, error)
	// AddUser registers a centre user (role staff, every site) with the hash of their first API
	// token, which expires at expires (zero: DefaultTokenTTL from now).
	AddUser(ctx context.Context, name string, tokenHash []byte, expires time.Time) error
	// Authenticate returns the owner of a token hash, or an app.EUNAUTHORIZED error: a site's current
	// token or its previous one within the overlap, or a user's token that is neither expired nor
	// revoked, of a user who is not disabled.
	Authenticate(ctx context.Context, tokenHash []byte, now time.Time) (Principal, error)
	// CaseSite returns the site of a case, or an ENOTFOUND error.
	CaseSite(ctx context.Context, code string) (int64, error)
	// Audit records a write or a full-record view.
	Audit(ctx context.Context, e AuditEntry) error

	// ApplyBatch applies the events of a site that continue its high-water mark, each exactly
	// once, in one transaction with the new mark. Duplicates and events past a gap are ignored.
	// A malformed batch is refused whole (EINVALID) and nothing of it is applied; so is a batch
	// overlapping ids applied under another epoch of the site (app.EEPOCHBEHIND). The push is
	// recorded as the site's contact (its time, the backlog and the catalogue it reported) in the
	// same transaction, whether or not it applied anything.
	ApplyBatch(ctx context.Context, siteID int64, req wire.PushRequest) (wire.PushReply, error)
	// Recover returns the site's events after an id as the centre holds them, for a restored or
	// rebuilt hall of the given epoch to take back, and records how far that epoch recovered.
	Recover(ctx context.Context, siteID int64, epoch string, after, pulled int64, limit int) (wire.RecoverReply, error)
	// Changes returns up to limit changes for the site with a sequence number above after.
	Changes(ctx context.Context, siteID, after int64, limit int) ([]wire.Change, error)

	// Case returns a case with its history.
	Case(ctx context.Context, code string) (Case, error)
	// ChangeCase changes the status of a case the centre works and queues the change for its site.
	ChangeCase(ctx context.Context, code string, change app.CaseChange) (Case, error)
	// AddFollowUp appends a follow-up to any case and queues it for its site, and for the site it
	// was handed to, if any.
	AddFollowUp(ctx context.Context, code, note, by string) (Case, error)
	// Handover hands an accepted escalation the centre works to the named site to work it, and
	// queues the case with its history for that site and a note for the case's own site
	// (docs/sync.md, "Who owns a case").
	Handover(ctx context.Context, code, site, by string) (Case, error)

	Close() error
}

// NewToken returns a new random token (32 bytes, hex) and its hash for storing.
func NewToken() (token string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	token = hex.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the stored form of a token. A plain SHA-256 suffices because tokens carry
// 256 random bits: there is nothing to guess.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// NewTokenString returns a new random token (32 bytes, hex) without its hash.
func NewTokenString() string {
	t, _ := NewToken()
	return t
}
