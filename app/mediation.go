package app

// MediationSession is one sitting of a mediation (调解): when, who mediated, who of the parties
// came, and what came of it. The centre records sessions on the cases it owns; they travel to the
// origin hall as a change of kind wire.ChangeSession and show in the case's history.
type MediationSession struct {
	Date     string `json:"date"`     // YYYY-MM-DD, in the hall's time zone
	Mediator string `json:"mediator"` // the mediator's name (staff of the organisation)
	Parties  string `json:"parties"`  // the parties present, as the mediator wrote them
	Outcome  string `json:"outcome"`  // e.g. 达成协议, 未达成协议, 择期再调
	By       string `json:"by"`       // who recorded it
}

// Mediation organisations (调解组织) a case can be assigned to, in the order the town works them:
// 人民调解 in the village and the town, then 三调联动 with the 司法所, 派出所 and 人民法庭. The
// centre's list is configurable; these are its defaults. A third party is named in free text.
var MediationOrgs = []string{"村调委会", "镇调委会", "司法所", "派出所", "人民法庭"}

// Case history entry kinds added by the centre's workspace (see also EntryStatus, EntryFollowUp
// and EntryEscalated).
const (
	EntryEscalationAccepted = "escalation_accepted" // the centre took an escalated case on (受理上报)
	EntrySession            = "session"             // a mediation session was recorded
	EntryHandover           = "handover"            // the centre handed the case to a site to work it
)
