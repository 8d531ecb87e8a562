package center

import (
	"context"
	"slices"
	"time"

	"fengqiao/app"
)

// Role is what a centre user may do on the dashboard.
type Role string

// Roles of centre users. Every dashboard role reads; readonly never writes; leaders and admins see the
// users and the refused sync events; only admins manage users, sites and tokens and read the
// audit log. What each endpoint allows is its Rule (Server.Routes).
const (
	RoleStaff    Role = "staff"    // 中心工作人员
	RoleLeader   Role = "leader"   // 领导
	RoleReadOnly Role = "readonly" // 只读
	RoleAdmin    Role = "admin"    // 管理员
	// 网格员 and 网格长 use only the phone app: they register disputes in their own grids (a 网格长
	// in the small grids of their big grid) and record the follow-ups assigned to them.
	RoleGridWorker Role = "gridworker" // 网格员
	RoleGridLeader Role = "gridleader" // 网格长
)

// Roles lists every role, from the least to the most allowed.
var Roles = []Role{RoleGridWorker, RoleGridLeader, RoleReadOnly, RoleStaff, RoleLeader, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// CanWrite reports whether the role may change cases and record follow-ups.
func (r Role) CanWrite() bool { return slices.Contains(writers, r) }

// Label returns the role in Chinese.
func (r Role) Label() string {
	switch r {
	case RoleStaff:
		return "中心工作人员"
	case RoleLeader:
		return "领导"
	case RoleReadOnly:
		return "只读"
	case RoleAdmin:
		return "管理员"
	case RoleGridWorker:
		return "网格员"
	case RoleGridLeader:
		return "网格长"
	}
	return string(r)
}

// User is a centre user as the dashboard knows them.
type User struct {
	ID       int64
	Name     string
	Role     Role
	Site     int64  // the only site the user sees; 0 for every site
	SiteName string // the site's name, if Site is set
	Disabled bool   // a disabled user can neither sign in nor use a token

	// Region is the town, county or city whose halls the user sees (0: none); a user has a site
	// or a region scope, not both. RegionSites are its halls, resolved when the user is loaded for
	// a request (Store.Authenticate, WebStore.Session), in id order.
	Region      int64
	RegionName  string
	RegionLevel Level
	RegionSites []int64
}

// Scope returns the data the user may see.
func (u User) Scope() Scope {
	if u.Site != 0 {
		return Scope{Site: u.Site}
	}
	return Scope{Region: u.Region, Sites: u.RegionSites}
}

// ScopeName names the user's scope in Chinese, for pages and titles.
func (u User) ScopeName() string {
	switch {
	case u.Site != 0:
		return u.SiteName
	case u.Region != 0:
		return u.RegionName
	}
	return "全部站点"
}

// Scope restricts what a query returns: one site (Site), the halls under a region (Region, with
// its halls in Sites), or every site when both are 0.
type Scope struct {
	Site   int64
	Region int64
	Sites  []int64 // the region's halls, in id order
}

// All reports whether the scope is every site.
func (s Scope) All() bool { return s.Site == 0 && s.Region == 0 }

// Allows reports whether the scope includes the site.
func (s Scope) Allows(site int64) bool {
	switch {
	case s.Site != 0:
		return s.Site == site
	case s.Region != 0:
		_, ok := slices.BinarySearch(s.Sites, site)
		return ok
	}
	return true
}

// Session is a signed-in user's session. The cookie holds the token; the store keeps its hash.
type Session struct {
	TokenHash []byte
	UserID    int64
	CSRF      string // the form token every POST of the session must carry
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Tracked is what the tracking page shows of a case: no identity beyond the masked name, no notes.
type Tracked struct {
	Code       string
	Site       string
	SitePhone  string
	Service    string
	Category   string
	Status     app.CaseStatus
	Result     app.CaseResult
	Unit       string
	Handling   string
	Department string
	FollowUpOn string
	OpenedAt   time.Time
	MaskedName string
	// Reached holds the first time the case reached each status, from its history.
	Reached map[app.CaseStatus]time.Time
	// Work is who works the case (Owner, Site and WorkerSite only), and Sites the sites the
	// page may name, with their catalogues: the case's, the one it was handed to and the town's.
	Work  CaseWork
	Sites []Site
}

// LedgerRow is one case as the dispute ledger (矛盾纠纷台账) counts it. It holds no identity
// beyond the masked name.
type LedgerRow struct {
	Code       string
	Site       int64
	Service    string
	Category   string
	Status     app.CaseStatus
	Result     app.CaseResult
	Unit       string
	OpenedAt   time.Time
	AcceptedAt *time.Time // first 受理 entry
	ClosedAt   *time.Time
	FollowUpOn string     // planned 回访 date
	LastFollow *time.Time // latest follow-up entry
	Follows    int        // number of follow-up entries
	MaskedName string

	// For the 台账 export: what the case is about (纠纷简要情况), how it is handled, whether it
	// went up to the centre (上报), who mediated (the latest mediation session's mediator) and
	// what the latest follow-up found.
	Summary    string
	Level      string
	Handling   string
	Department string
	Escalated  bool
	Mediator   string
	FollowNote string

	// Who works the case now (Catalogue.OwnerName): the hall that opened it, or the centre and
	// the site it handed the case to (0 if none).
	Owner      app.Owner
	WorkerSite int64

	// How the case came in (来访, 网格排查, 12345, 上级交办), the 网格员's risk grade, the grid it
	// was found in ("big · small", "" if none) and how many parties it has.
	Source  app.CaseSource
	Risk    app.Risk
	Grid    string
	Parties int
}

// TicketTimes are the mean waiting and service times of the completed tickets of one service
// at one window of a site.
type TicketTimes struct {
	Site      int64
	Service   string
	Window    int
	Completed int
	WaitSec   float64 // issued → called
	ServeSec  float64 // started → completed
}

// RatingRow is one visitor rating (好差评) from a hall.
type RatingRow struct {
	Site     int64
	ID       int64
	Label    string
	Window   int
	Score    app.Score
	Flagged  bool
	CaseCode string
	At       time.Time
	Staff    string // who served at the window, if the hall said
	// FollowedUp is set when the rating was followed up at the centre, or its case has a
	// follow-up recorded after the rating.
	FollowedUp bool
}

// WebStore is what the tracking page and the dashboard need of the centre database beyond Store.
type WebStore interface {
	Store
	ContactStore
	RatingFollowUpStore
	CaseWorkStore
	RegionStore
	LimitStore
	GridAdminStore
	WarningStore

	// Track returns the public view of a case with the sites the tracking page names (see
	// Tracked.Sites), or an ENOTFOUND error. town is the name of the town's own site ("" for none).
	Track(ctx context.Context, code, town string) (Tracked, error)
	// Sites returns every site, by id.
	Sites(ctx context.Context) ([]Site, error)
	// SetSitePhone sets the phone number residents call about a site's cases.
	SetSitePhone(ctx context.Context, site int64, phone string) error

	// SetUserAccess sets a user's role and site scope (0: every site), and drops the grid
	// memberships they no longer allow (CheckGridMember).
	SetUserAccess(ctx context.Context, name string, role Role, site int64) error
	// SetPassword sets a user's password hash (bcrypt).
	SetPassword(ctx context.Context, name string, hash []byte) error
	// Credentials returns a user and their password hash, or an ENOTFOUND error.
	Credentials(ctx context.Context, name string) (User, []byte, error)
	// Users returns every user.
	Users(ctx context.Context) ([]User, error)
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the live session with the token hash and its user, or app.EUNAUTHORIZED.
	Session(ctx context.Context, tokenHash []byte, now time.Time) (Session, User, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// Ledger returns every case of the scope.
	Ledger(ctx context.Context, scope Scope) ([]LedgerRow, error)
	// EachLedgerRow calls fn with each case the filter selects, in the order they were opened,
	// without holding them all; an error from fn stops it and is returned.
	EachLedgerRow(ctx context.Context, f LedgerFilter, fn func(LedgerRow) error) error
	// TicketTimes returns the waiting and service times of the tickets issued since the time.
	TicketTimes(ctx context.Context, scope Scope, since time.Time) ([]TicketTimes, error)
	// Ratings returns the ratings given since the time, newest first.
	Ratings(ctx context.Context, scope Scope, since time.Time) ([]RatingRow, error)

	// LoginLockedUntil returns until when sign-in is locked for the account name (zero: not locked).
	LoginLockedUntil(ctx context.Context, name string) (time.Time, error)
	// LoginFailed counts a failed sign-in of the name, known or not, and locks it for
	// delay(failures in a row).
	LoginFailed(ctx context.Context, name string, now time.Time, delay func(failures int) time.Duration) error
	// LoginSucceeded clears the name's failures.
	LoginSucceeded(ctx context.Context, name string) error

	// DisableUser disables a user: no sign-in, no token, sessions ended.
	DisableUser(ctx context.Context, name string, now time.Time) error
	// AddToken gives a user a new API token that expires at expires.
	AddToken(ctx context.Context, user string, tokenHash []byte, expires time.Time) (Token, error)
	// Tokens returns every API token, newest first.
	Tokens(ctx context.Context) ([]Token, error)
	// Token returns an API token by id.
	Token(ctx context.Context, id int64) (Token, error)
	// RevokeToken revokes an API token.
	RevokeToken(ctx context.Context, id int64, now time.Time) error
	// RenameSite renames a site.
	RenameSite(ctx context.Context, site int64, name string) error
	// RotateSiteToken gives a site a new token; the current one keeps working until oldUntil.
	RotateSiteToken(ctx context.Context, site int64, tokenHash []byte, oldUntil time.Time) error

	// AuditLog returns the latest audit entries, newest first.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
	// RefusedEvents returns how many pushed events were refused and the latest of them.
	RefusedEvents(ctx context.Context, limit int) (int, []RefusedEvent, error)

	// StripPersonalData removes the identity (name, ID number, phone, masked or not) and the
	// summary of cases closed before the time, and returns how many cases it stripped.
	StripPersonalData(ctx context.Context, closedBefore time.Time) (int64, error)
}

// DefaultTokenTTL is how long a user's API token lives unless set at creation.
const DefaultTokenTTL = 90 * 24 * time.Hour

// DefaultSiteOverlap is how long a site's previous token keeps working after a rotation.
const DefaultSiteOverlap = 7 * 24 * time.Hour

// Token is a centre user's API token, without its secret.
type Token struct {
	ID        int64
	User      string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// Live reports whether the token works at the time.
func (t Token) Live(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// AuditEntry is one line of the audit log: a write or a full-record view at the centre.
type AuditEntry struct {
	At        time.Time
	Principal string // user:NAME, site:NAME or anonymous
	Action    string // e.g. case.view, case.change, user.add, site.token
	Case      string
	Site      int64
	Target    string // the user or token acted on
	Address   string
}

// RefusedEvent is a pushed event the centre kept but did not project.
type RefusedEvent struct {
	Site       int64
	EventID    int64
	Kind       app.EventKind
	Reason     string
	ReceivedAt time.Time
}
