package app

import (
	"time"
)

// CaseStatus is a stage of a case's lifecycle.
type CaseStatus string

// Case statuses: 登记 → 受理 → 分流 → 研判 → 处置 → 回访 → 结案, with 不予受理 right after 登记.
const (
	CaseRegistered CaseStatus = "registered" // 登记: opened at check-in, awaiting a decision
	CaseAccepted   CaseStatus = "accepted"   // 受理
	CaseRejected   CaseStatus = "rejected"   // 不予受理 (final)
	CaseAssigned   CaseStatus = "assigned"   // 分流: a handling unit and mediation level are set
	CaseAssessing  CaseStatus = "assessing"  // 研判
	CaseHandling   CaseStatus = "handling"   // 处置: mediation or referral (转办)
	CaseFollowUp   CaseStatus = "followup"   // 回访
	CaseClosed     CaseStatus = "closed"     // 结案 (final), with a Result
)

// CaseStatuses lists the statuses in lifecycle order, for timelines.
var CaseStatuses = []CaseStatus{CaseRegistered, CaseAccepted, CaseAssigned, CaseAssessing, CaseHandling, CaseFollowUp, CaseClosed}

// Label returns the status in Chinese.
func (s CaseStatus) Label() string {
	switch s {
	case CaseRegistered:
		return "登记"
	case CaseAccepted:
		return "受理"
	case CaseRejected:
		return "不予受理"
	case CaseAssigned:
		return "分流"
	case CaseAssessing:
		return "研判"
	case CaseHandling:
		return "处置"
	case CaseFollowUp:
		return "回访"
	case CaseClosed:
		return "结案"
	}
	return string(s)
}

// Final reports whether no further status change is possible.
func (s CaseStatus) Final() bool { return s == CaseClosed || s == CaseRejected }

var caseMoves = map[CaseStatus][]CaseStatus{
	CaseRegistered: {CaseAccepted, CaseRejected},
	CaseAccepted:   {CaseAssigned, CaseClosed}, // a simple consultation closes at the window
	CaseAssigned:   {CaseAssessing, CaseHandling},
	CaseAssessing:  {CaseHandling, CaseClosed},
	CaseHandling:   {CaseFollowUp, CaseClosed},
	CaseFollowUp:   {CaseClosed},
}

// CanMove reports whether the lifecycle allows a change from one status to another.
func CanMove(from, to CaseStatus) bool {
	for _, s := range caseMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CaseResult is how a closed case ended.
type CaseResult string

// Case results. Resolved (已化解) cases count towards the resolution rate.
const (
	ResultResolved   CaseResult = "resolved"   // 已化解
	ResultUnresolved CaseResult = "unresolved" // 未化解
	ResultLitigation CaseResult = "litigation" // 转入诉讼/仲裁
	ResultWithdrawn  CaseResult = "withdrawn"  // 撤回
)

// Valid reports whether r is a known result.
func (r CaseResult) Valid() bool {
	switch r {
	case ResultResolved, ResultUnresolved, ResultLitigation, ResultWithdrawn:
		return true
	}
	return false
}

// Label returns the result in Chinese.
func (r CaseResult) Label() string {
	switch r {
	case ResultResolved:
		return "已化解"
	case ResultUnresolved:
		return "未化解"
	case ResultLitigation:
		return "转入诉讼/仲裁"
	case ResultWithdrawn:
		return "撤回"
	}
	return string(r)
}

// Mediation levels set when a case is assigned (分流).
var MediationLevels = []string{"人民调解", "行政调解", "司法调解"}

// Handling methods in the 处置 stage.
const (
	HandlingMediation = "mediation" // 调解
	HandlingReferral  = "referral"  // 转办 to a department
)

// Owner is who owns a case: the hall, or the centre once the case is escalated. Only the owner
// changes a case's status; anyone appends follow-ups.
type Owner string

// Owners of a case.
const (
	OwnerHall   Owner = "hall"
	OwnerCentre Owner = "centre"
)

// Case is one matter a visitor brought, tracked by its case code from check-in to closure.
type Case struct {
	Code       string     `json:"code"`
	Service    string     `json:"service"`
	Category   string     `json:"category"`
	Status     CaseStatus `json:"status"`
	Owner      Owner      `json:"owner"`
	Unit       string     `json:"unit,omitempty"`       // handling unit, e.g. 司法所
	Level      string     `json:"level,omitempty"`      // mediation level
	Handling   string     `json:"handling,omitempty"`   // mediation or referral
	Department string     `json:"department,omitempty"` // referral target
	Summary    string     `json:"summary,omitempty"`
	Result     CaseResult `json:"result,omitempty"`
	FollowUpOn string     `json:"follow_up_on,omitempty"` // planned 回访 date, YYYY-MM-DD
	Deadline   string     `json:"deadline,omitempty"`     // a referral's due date, YYYY-MM-DD
	OpenedAt   time.Time  `json:"opened_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	Tickets    []string   `json:"tickets,omitempty"` // labels of the tickets linked to the case, oldest first
	// Source is how the case came in (empty: a walk-in at a hall); Risk the 网格员's grade of a
	// grid-registered dispute, and Grid the name of its small grid.
	Source CaseSource `json:"source,omitempty"`
	Risk   Risk       `json:"risk,omitempty"`
	Grid   string     `json:"grid,omitempty"`

	// Visitor is the masked identity of the person who brought the case.
	Visitor *MaskedVisitor `json:"visitor,omitempty"`
	History []CaseEntry    `json:"history"`
}

// CaseEntry is one line of a case's history: a status change or a follow-up record.
type CaseEntry struct {
	At     time.Time  `json:"at"`
	Status CaseStatus `json:"status,omitempty"` // set for a status change
	Note   string     `json:"note,omitempty"`
	By     string     `json:"by"` // "hall", "centre" or a staff name
	Kind   string     `json:"kind"`
}

// Case history entry kinds.
const (
	EntryStatus    = "status"
	EntryFollowUp  = "followup"
	EntryEscalated = "escalated"
)

// CaseChange asks for a case to move to a new status, with what that stage records.
type CaseChange struct {
	Status     CaseStatus `json:"status"`
	Unit       string     `json:"unit,omitempty"`
	Level      string     `json:"level,omitempty"`
	Handling   string     `json:"handling,omitempty"`
	Department string     `json:"department,omitempty"`
	Summary    string     `json:"summary,omitempty"`
	Category   string     `json:"category,omitempty"`
	Result     CaseResult `json:"result,omitempty"`
	FollowUpOn string     `json:"follow_up_on,omitempty"`
	// Deadline is the date a referral (转办) is due back, YYYY-MM-DD; set with Handling "referral".
	Deadline string `json:"deadline,omitempty"`
	Note     string `json:"note,omitempty"`
	By       string `json:"by,omitempty"`
}

// Apply checks change against the lifecycle and returns the case with it applied (without history
// or times, which the store adds). actor is OwnerHall or OwnerCentre.
func (c Case) Apply(change CaseChange, actor Owner) (Case, error) {
	if c.Owner != actor {
		return c, Errorf(ENOTOWNER, "case is owned by the %s; only its owner changes its status", c.Owner)
	}
	if !CanMove(c.Status, change.Status) {
		return c, Errorf(ETRANSITION, "a case cannot move from %s to %s", c.Status, change.Status)
	}
	switch change.Status {
	case CaseAssigned:
		if change.Unit == "" {
			return c, Errorf(EINVALID, "assigning a case needs a handling unit")
		}
		if !contains(MediationLevels, change.Level) {
			return c, Errorf(EINVALID, "assigning a case needs a mediation level (人民调解, 行政调解 or 司法调解)")
		}
		c.Unit, c.Level = change.Unit, change.Level
	case CaseHandling:
		switch change.Handling {
		case HandlingMediation:
		case HandlingReferral:
			if change.Department == "" {
				return c, Errorf(EINVALID, "a referral needs a department")
			}
			c.Department = change.Department
			if change.Deadline != "" {
				if _, err := time.Parse(time.DateOnly, change.Deadline); err != nil {
					return c, Errorf(EINVALID, "a referral deadline must be YYYY-MM-DD")
				}
				c.Deadline = change.Deadline
			}
		default:
			return c, Errorf(EINVALID, "handling must be mediation or referral")
		}
		c.Handling = change.Handling
	case CaseClosed:
		if !change.Result.Valid() {
			return c, Errorf(EINVALID, "closing a case needs a result: resolved, unresolved, litigation or withdrawn")
		}
		c.Result = change.Result
	}
	if change.FollowUpOn != "" {
		if _, err := time.Parse(time.DateOnly, change.FollowUpOn); err != nil {
			return c, Errorf(EINVALID, "follow-up date must be YYYY-MM-DD")
		}
		c.FollowUpOn = change.FollowUpOn
	}
	if change.Summary != "" {
		c.Summary = change.Summary
	}
	if change.Category != "" {
		c.Category = change.Category
	}
	c.Status = change.Status
	return c, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Visitor is the identity a visitor gave at check-in: read from the ID card or typed on the keypad.
// It is personal information: store it, never log it, show it masked.
type Visitor struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	// FromCard is true when the identity was read from the card itself; only then may the kiosk
	// show the person's own cases.
	FromCard bool `json:"from_card,omitempty"`
}

// Masked returns the visitor's identity masked for display.
func (v Visitor) Masked() MaskedVisitor {
	return MaskedVisitor{Name: MaskName(v.Name), IDNumber: MaskIDNumber(v.IDNumber), Phone: MaskPhone(v.Phone)}
}

// MaskedVisitor is a visitor's identity as screens and receipts show it.
type MaskedVisitor struct {
	Name     string `json:"name,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone,omitempty"`
}
