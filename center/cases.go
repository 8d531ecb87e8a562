package center

import (
	"context"
	"time"

	"fengqiao/app"
)

// CaseFilter narrows the dashboard's case list (GET /dashboard/cases). Zero fields match all.
type CaseFilter struct {
	Site      int64          // the site where the case is now: its own hall, or the site it was handed to
	Origin    int64          // the site that opened it
	Service   string         // service code
	Category  string         // dispute category
	Status    app.CaseStatus // lifecycle status
	Stage     string         // StagePending, StageOpen or StageDone
	Owner     app.Owner      // app.OwnerHall or app.OwnerCentre
	Escalated string         // EscalatedAny, EscalatedInbox (not yet accepted) or EscalatedNone
	Overdue   bool           // open and past the service's deadline
	Source    string         // SourceHall (opened and kept at a hall) or SourceEscalated (上报)
	From, To  time.Time      // opened at or after From, before To (zero: unbounded)
	Code      string         // one 查询码
	After     *CaseCursor    // the page after this row (newest first)
	Limit     int            // rows per page (default and most CasePageSize)

	// Town is the site that stands for the centre's own work (the town hall): Site set to it also
	// matches the escalated cases the centre works itself. 0: none.
	Town int64
	// Services are the deadlines the overdue filter judges by.
	Services []app.Service
}

// Stages of the case list: a coarser view of the status.
const (
	StagePending = "pending" // 登记, awaiting 受理
	StageOpen    = "open"    // 受理 to 回访
	StageDone    = "done"    // 结案 or 不予受理
)

// Escalation filters of the case list.
const (
	EscalatedAny   = "yes"   // escalated, accepted or not
	EscalatedInbox = "inbox" // escalated, waiting in the inbox (上报待受理)
	EscalatedNone  = "no"    // never escalated
)

// Sources of a case in the list.
const (
	SourceHall      = "hall"      // 大厅登记: worked by the hall that opened it
	SourceEscalated = "escalated" // 村（社区）上报: escalated to the town
)

// CasePageSize is the most rows a page of the case list shows.
const CasePageSize = 50

// CaseCursor is where a page of the case list ends: the list runs newest first by (opened, code).
type CaseCursor struct {
	OpenedAt time.Time
	Code     string
}

// CaseListRow is one case of the list, with the visitor masked.
type CaseListRow struct {
	Code        string
	Site        int64 // the site that opened it (origin)
	WorkerSite  int64 // the site it was handed to, 0 if none
	Service     string
	Category    string
	Status      app.CaseStatus
	Result      app.CaseResult
	Owner       app.Owner
	Unit        string
	Escalated   *time.Time // when the hall escalated it, nil if never
	EscAccepted *time.Time // when the centre accepted the escalation
	AcceptedAt  *time.Time // when it reached 受理
	OpenedAt    time.Time
	MaskedName  string
	MaskedID    string
}

// CaseList is a page of the case list.
type CaseList struct {
	Rows []CaseListRow
	Next *CaseCursor // the cursor of the next page, nil on the last
}

// CaseWork is what the centre holds of a case beyond app.Case: its escalation, the site working
// it, the referral's deadline and its ratings.
type CaseWork struct {
	Owner       app.Owner // app.OwnerHall or app.OwnerCentre
	Site        int64
	WorkerSite  int64 // the site it was handed to, which works it now; 0 if none
	Escalated   *time.Time
	EscAccepted *time.Time
	Deadline    string // referral (转办) due date
	Ratings     []RatingRow
}

// InScope reports whether a user of the scope may see the case: the scope includes the site that
// opened it or the site it was handed to.
func (w CaseWork) InScope(sc Scope) bool {
	return sc.Allows(w.Site) || w.WorkerSite != 0 && sc.Allows(w.WorkerSite)
}

// CaseWorkStore is the storage of the town's case workspace; package center/sqlstore implements it.
type CaseWorkStore interface {
	// ListCases returns a page of the cases of the scope that match the filter, newest first.
	// Overdue is judged as of now against the catalogue's deadlines.
	ListCases(ctx context.Context, scope Scope, f CaseFilter, now time.Time) (CaseList, error)
	// SearchParty returns the cases of the scope whose party has exactly this full name or ID
	// number, newest first, at most CasePageSize. The caller audits the search.
	SearchParty(ctx context.Context, scope Scope, who string) ([]CaseListRow, error)
	// CaseWork returns the workspace data of a case.
	CaseWork(ctx context.Context, code string) (CaseWork, error)
	// AcceptEscalation takes on an escalated case (受理上报): it queues a change of kind
	// wire.ChangeEscalationAccepted, and a status change to accepted for a case still at 登记.
	AcceptEscalation(ctx context.Context, code, by string) (Case, error)
	// RecordSession records a mediation session on a case the centre owns (wire.ChangeSession);
	// an assigned case moves to 处置 (mediation) first.
	RecordSession(ctx context.Context, code string, s app.MediationSession) (Case, error)
	// WorkChange changes the status of a case the centre owns like Store.ChangeCase and keeps a
	// referral's deadline.
	WorkChange(ctx context.Context, code string, change app.CaseChange) (Case, error)
	// Escalations returns the inbox of the scope (escalated, open, not accepted; oldest first)
	// and the count of all its escalated cases by origin and site worked at.
	Escalations(ctx context.Context, scope Scope) (EscalationSummary, error)
	// InboxCount counts the inbox of the scope (上报待受理 N on every dashboard page).
	InboxCount(ctx context.Context, scope Scope) (int, error)
}

// Stage returns the list's stage of a status.
func Stage(s app.CaseStatus) string {
	switch {
	case s == app.CaseRegistered:
		return StagePending
	case s.Final():
		return StageDone
	}
	return StageOpen
}

// StageLabel names a stage in Chinese.
func StageLabel(stage string) string {
	switch stage {
	case StagePending:
		return "待受理"
	case StageOpen:
		return "办理中"
	case StageDone:
		return "已办结"
	}
	return stage
}

// EscalationSummary is the escalation inbox and the escalated cases counted by origin and owner.
type EscalationSummary struct {
	Inbox  []CaseListRow
	Groups []EscalationGroup
}

// EscalationGroup counts the escalated cases of one origin site worked at one site (0: the
// centre itself).
type EscalationGroup struct {
	Site, WorkerSite      int64
	Cases, Open, Resolved int
}

// GridStore keeps the disputes 网格员 register (docs/centre.md "Grids").
type GridStore interface {
	// RegisterDispute stores a dispute registered by the user, once per d.Key: it mints the case's
	// code, records source 网格排查, and routes it (to the village's hall through the pull channel,
	// or, for a 重大 dispute, to the centre's workspace with a notice to the village). A repeated
	// key returns the case stored first and created false. The user must be a member of the grid
	// (or lead its big grid): otherwise app.EFORBIDDEN.
	RegisterDispute(ctx context.Context, user User, d app.GridDispute, at time.Time) (c app.Case, created bool, err error)
}
