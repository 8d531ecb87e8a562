package app

import "time"

// Bases of a ticket's priority (Ticket.PriorityBasis).
const (
	BasisIDCard   = "id_card"  // elderly, from the age of an ID number read from the card: verified
	BasisIDTyped  = "id_typed" // elderly, from the age of a typed ID number: 未核验 until staff confirm
	BasisDeclared = "declared" // 孕妇 or 残疾, declared by the visitor: 自述, shown to staff as such
	BasisStaff    = "staff"    // granted by staff at a signed-in window
)

// PriorityGrant is a ticket's priority with its basis.
type PriorityGrant struct {
	Priority Priority
	Basis    string
	Verified bool
}

// GrantPriority decides a new ticket's priority from the request: elderly only from the age of the
// visitor's ID number (id, nil without one) on the day now (in the hall's time zone), verified only
// when the number was read from the card; 孕妇 and 残疾 as declared; staff priority as asked (the
// hub lets only a signed-in window ask for it).
func GrantPriority(req IssueRequest, id *IDNumber, now time.Time, elderlyAge int) (PriorityGrant, error) {
	if !req.Priority.Valid() {
		return PriorityGrant{}, Errorf(EINVALID, "unknown priority %q", req.Priority)
	}
	fromCard := req.Source == SourceCard || (req.Visitor != nil && req.Visitor.FromCard)
	if req.Source != "" && req.Source != SourceCard && req.Source != SourceTyped {
		return PriorityGrant{}, Errorf(EINVALID, "source must be card or typed")
	}
	elderly := id != nil && elderlyAge > 0 && id.AgeOn(now) >= elderlyAge
	switch req.Priority {
	case PriorityStaff:
		return PriorityGrant{Priority: PriorityStaff, Basis: BasisStaff, Verified: true}, nil
	case PriorityDisabled, PriorityPregnant:
		return PriorityGrant{Priority: req.Priority, Basis: BasisDeclared}, nil
	case PriorityElderly:
		if !elderly {
			return PriorityGrant{}, Errorf(EINVALID, "elderly priority comes only from the age of the visitor's ID number")
		}
	}
	if !elderly {
		return PriorityGrant{}, nil
	}
	if fromCard {
		return PriorityGrant{Priority: PriorityElderly, Basis: BasisIDCard, Verified: true}, nil
	}
	return PriorityGrant{Priority: PriorityElderly, Basis: BasisIDTyped}, nil
}

// PriorityNote returns how staff see a ticket's priority: its label, marked 未核验 (unverified) or
// 自述 (self-declared) when nobody has checked it.
func (t Ticket) PriorityNote() string {
	label := t.Priority.Label()
	switch {
	case label == "" || t.PriorityVerified:
		return label
	case t.PriorityBasis == BasisDeclared:
		return label + "（自述）"
	default:
		return label + "（未核验）"
	}
}
