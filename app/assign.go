package app

// Hall event kinds that echo the centre's routing of a case it opened itself (a dispute a 网格员
// registered; docs/sync.md, "Who owns a case"): the centre matches each to its change.
const (
	EventAssigned = "case.assigned" // this hall received a case of its village to own and work
	EventNoticed  = "case.noticed"  // this hall was told of a case of its village the town keeps
)

// Case history entry kinds of the routing.
const (
	EntryAssigned = "assigned" // the centre gave the case to its village's hall (交村办理)
	EntryNotice   = "notice"   // the village was told of a case the town keeps (告知村)
)
