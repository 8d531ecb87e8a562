package app

// CaseSource is how a case came to the centre's notice. The dispute ledger counts every case once,
// with its source shown and filterable.
type CaseSource string

// Case sources. The zero value is a walk-in: every case a hall opens at its kiosk or window.
const (
	SourceWalkIn   CaseSource = ""         // 来访: opened at a hall
	SourceGrid     CaseSource = "grid"     // 网格排查: registered by a 网格员 on a village round
	SourceHotline  CaseSource = "12345"    // 12345: a hotline matter
	SourceAssigned CaseSource = "assigned" // 上级交办: handed down by a higher level
)

// Sources lists every source, in the order the ledger shows them.
var Sources = []CaseSource{SourceWalkIn, SourceGrid, SourceHotline, SourceAssigned}

// Label returns the source in Chinese for screens and reports.
func (s CaseSource) Label() string {
	switch s {
	case SourceWalkIn:
		return "来访"
	case SourceGrid:
		return "网格排查"
	case SourceHotline:
		return "12345"
	case SourceAssigned:
		return "上级交办"
	}
	return string(s)
}

// Risk is a dispute's risk grade as the 网格员 judges it. A major dispute stays with the town.
type Risk string

// Risk grades. The zero value is ungraded (walk-in cases).
const (
	RiskNone    Risk = ""
	RiskGeneral Risk = "general" // 一般
	RiskHigher  Risk = "higher"  // 较大
	RiskMajor   Risk = "major"   // 重大
)

// Risks lists the grades a 网格员 chooses from, least first.
var Risks = []Risk{RiskGeneral, RiskHigher, RiskMajor}

// Label returns the grade in Chinese.
func (r Risk) Label() string {
	switch r {
	case RiskGeneral:
		return "一般"
	case RiskHigher:
		return "较大"
	case RiskMajor:
		return "重大"
	}
	return string(r)
}
