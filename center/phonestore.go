package center

import (
	"context"
	"time"

	"fengqiao/app"
)

// PhoneSessionTTL is how long a phone app session lives after its last use: a 网格员 stays signed
// in on their phone until they sign out, an admin revokes the session or disables them, or they
// leave the app unused this long.
const PhoneSessionTTL = 30 * 24 * time.Hour

// ESESSIONREVOKED is the error code of a phone session that was revoked (or whose user was
// disabled): the phone wipes its outbox when it sees it.
const ESESSIONREVOKED = "session_revoked"

// WorkerGrid is a small grid a phone user may register disputes in.
type WorkerGrid struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`    // the small grid
	BigGrid string `json:"big"`     // its big grid
	Site    int64  `json:"site"`    // its village (hall)
	Village string `json:"village"` // the village's name
}

// GridRecord is a case of the grids a phone user sees, with the parties masked.
type GridRecord struct {
	Code       string         `json:"code"`
	Service    string         `json:"service"`
	Category   string         `json:"category"`
	Status     app.CaseStatus `json:"status"`
	Result     app.CaseResult `json:"result,omitempty"`
	Risk       app.Risk       `json:"risk"`
	Grid       string         `json:"grid"`
	OpenedAt   time.Time      `json:"opened_at"`
	MaskedName string         `json:"masked_name"`
}

// FollowUpTask is a case's 回访 assigned to a 网格员 from the dashboard.
type FollowUpTask struct {
	ID         int64      `json:"id"`
	Code       string     `json:"code"`
	UserID     int64      `json:"-"`
	User       string     `json:"-"`
	AssignedBy string     `json:"-"`
	AssignedAt time.Time  `json:"assigned_at"`
	DueOn      string     `json:"due_on,omitempty"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
	Outcome    string     `json:"outcome,omitempty"`
	// What the phone shows of the case.
	Category   string         `json:"category"`
	Status     app.CaseStatus `json:"status"`
	MaskedName string         `json:"masked_name"`
	Grid       string         `json:"grid,omitempty"`
}

// PhoneStore is what the phone app needs of the centre database (docs/centre.md "Phone app").
type PhoneStore interface {
	GridStore

	// CreatePhoneSession stores a new phone session; it also forgets sessions long expired.
	CreatePhoneSession(ctx context.Context, s Session) error
	// PhoneSession returns the live phone session with the token hash and its user: an
	// app.EUNAUTHORIZED error if there is none, an ESESSIONREVOKED one if it was revoked or its
	// user disabled.
	PhoneSession(ctx context.Context, tokenHash []byte, now time.Time) (Session, User, error)
	// ExtendPhoneSession moves a live session's expiry.
	ExtendPhoneSession(ctx context.Context, tokenHash []byte, expires time.Time) error
	// EndPhoneSession ends a session on sign-out.
	EndPhoneSession(ctx context.Context, tokenHash []byte) error
	// RevokePhoneSessions revokes every live phone session of the user and returns how many.
	RevokePhoneSessions(ctx context.Context, user string, now time.Time) (int, error)

	// WorkerGrids returns the small grids the user works in: their own, and for a 网格长 every
	// small grid of their big grid.
	WorkerGrids(ctx context.Context, userID int64) ([]WorkerGrid, error)
	// GridRecords returns the newest cases of the user's grids (WorkerGrids), at most limit.
	GridRecords(ctx context.Context, userID int64, limit int) ([]GridRecord, error)

	// GridWorkers returns the phone users a case's 回访 may be assigned to: the members of the
	// village's grids (of the case's own grid and its big grid first), not disabled.
	GridWorkers(ctx context.Context, code string) ([]User, error)
	// AssignFollowUp assigns a case's 回访 to a phone user, due on a date (YYYY-MM-DD or "").
	AssignFollowUp(ctx context.Context, code, user, by, dueOn string, at time.Time) (FollowUpTask, error)
	// FollowUpTasks returns the user's tasks: open ones first (oldest first), then the latest done.
	FollowUpTasks(ctx context.Context, userID int64) ([]FollowUpTask, error)
	// CaseFollowUpTasks returns the tasks of a case, newest first.
	CaseFollowUpTasks(ctx context.Context, code string) ([]FollowUpTask, error)
	// CompleteFollowUp records the outcome of the user's open task and, in the same transaction,
	// appends note to its case as a follow-up by the user (Store.AddFollowUp). A task already done
	// is an app.ECONFLICT error; another user's or an unknown task app.ENOTFOUND.
	CompleteFollowUp(ctx context.Context, id int64, user User, outcome, note string, at time.Time) (FollowUpTask, error)
}
