package app

// Role is what a hall device's bearer token may do at the hub: one role per kind of device. The
// hub's routes allow roles, the configuration's [[hub.tokens]] name them and the devices present
// them.
type Role string

// Roles of hub tokens.
const (
	RoleKiosk   Role = "kiosk"   // the self-service kiosk: issues tickets, opens cases, calls for help
	RoleWindow  Role = "window"  // a window's staff console: calls, serves and changes cases
	RoleDisplay Role = "display" // the hall display: reads the queue and its events
	RoleRating  Role = "rating"  // a window's rating pad: records visitors' ratings
)

// Roles lists every hub role.
var Roles = []Role{RoleKiosk, RoleWindow, RoleDisplay, RoleRating}
