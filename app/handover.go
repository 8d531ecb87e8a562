package app

import (
	"strings"
	"time"
)

// Hall event kinds that record, at the hall, the centre's work on a case (docs/sync.md). Each is
// the hall's echo of one centre change: the centre matches it to that change and adds nothing.
const (
	EventEscalationAccepted = "case.escalation_accepted" // the centre took on the escalated case
	EventSession            = "case.session"             // the centre recorded a mediation session
	EventHandedOver         = "case.handed_over"         // this hall received a case to work from the centre
)

// Valid checks a mediation session as the hall and the centre store it.
func (s MediationSession) Valid() error {
	if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
		return Errorf(EINVALID, "a mediation session needs a date YYYY-MM-DD")
	}
	if strings.TrimSpace(s.Mediator) == "" {
		return Errorf(EINVALID, "a mediation session needs a mediator")
	}
	if strings.TrimSpace(s.Outcome) == "" {
		return Errorf(EINVALID, "a mediation session needs an outcome")
	}
	return nil
}

// Note is the session as one history line: 2026-12-01 调解员 王五；到场 张三、李四；达成协议.
func (s MediationSession) Note() string {
	parts := []string{s.Date + " 调解员 " + s.Mediator}
	if p := strings.TrimSpace(s.Parties); p != "" {
		parts = append(parts, "到场 "+p)
	}
	return strings.Join(append(parts, s.Outcome), "；")
}
