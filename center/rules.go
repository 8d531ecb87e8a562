package center

import (
	"fmt"
	"slices"
	"strings"
)

// Auth is how a route's caller proves who they are.
type Auth int

// Ways to authenticate. The zero value is not one, so a route cannot be registered without a rule.
const (
	_             Auth = iota
	Public             // anyone
	SiteToken          // a hall's bearer token
	UserToken          // a centre user's bearer API token
	SessionCookie      // a dashboard session cookie; a POST must carry the session's CSRF token
	PhoneSession       // a phone app session cookie; a POST must carry the session's CSRF token in a header
)

// String names the way in the routes table.
func (a Auth) String() string {
	switch a {
	case Public:
		return "public"
	case SiteToken:
		return "site token"
	case UserToken:
		return "user token"
	case SessionCookie:
		return "session"
	case PhoneSession:
		return "phone session"
	}
	return fmt.Sprintf("Auth(%d)", int(a))
}

// Reach is which records a user's scope lets a route touch.
type Reach int

// Reaches. OwnSite routes serve a user scoped to a site or a region, answering the records of a
// site outside the scope as if they did not exist; AllSites routes refuse a scoped user (403).
const (
	_        Reach = iota
	OwnSite        // a scoped user sees and changes only their site's records
	AllSites       // only users who see every site
)

// Rule is who may use a route.
type Rule struct {
	Auth    Auth
	Roles   []Role // for UserToken and Session: the roles allowed
	Reach   Reach  // for UserToken and Session
	MaxBody int64  // the largest request body accepted, in bytes
}

// Route is an endpoint with its rule.
type Route struct {
	Method, Path string
	Rule         Rule
}

// Allows reports whether the rule admits a user (ignoring a site-token rule).
func (r Rule) Allows(u User) bool {
	if !slices.Contains(r.Roles, u.Role) || u.Disabled {
		return false
	}
	return r.Reach != AllSites || u.Scope().All()
}

// check panics on a rule that leaves a door undefined.
func (r Rule) check(pattern string) {
	switch r.Auth {
	case Public, SiteToken:
		if len(r.Roles) > 0 || r.Reach != 0 {
			panic("center: route " + pattern + ": roles and reach are for user routes")
		}
	case UserToken, SessionCookie, PhoneSession:
		if len(r.Roles) == 0 || r.Reach == 0 {
			panic("center: route " + pattern + ": a user route needs roles and a reach")
		}
	default:
		panic("center: route " + pattern + " has no rule")
	}
	if r.MaxBody <= 0 {
		panic("center: route " + pattern + " has no body limit")
	}
}

// Body limits. Push batches carry up to wire.MaxBatch events and get their own, larger cap.
const (
	smallBody = 16 << 10
	pushBody  = 32 << 20
)

// Role sets of the rules.
var (
	readers = []Role{RoleReadOnly, RoleStaff, RoleLeader, RoleAdmin}
	writers = []Role{RoleStaff, RoleLeader, RoleAdmin}
	leaders = []Role{RoleLeader, RoleAdmin}
	admins  = []Role{RoleAdmin}
)

// Rule constructors, so that the route list reads as a table.
func public() Rule    { return Rule{Auth: Public, MaxBody: smallBody} }
func siteToken() Rule { return Rule{Auth: SiteToken, MaxBody: smallBody} }
func token(roles []Role, reach Reach) Rule {
	return Rule{Auth: UserToken, Roles: roles, Reach: reach, MaxBody: smallBody}
}
func session(roles []Role, reach Reach) Rule {
	return Rule{Auth: SessionCookie, Roles: roles, Reach: reach, MaxBody: smallBody}
}

// Routes returns every endpoint of the server with its rule, in registration order.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// RoutesTable renders routes as the Markdown role × endpoint table of docs/centre.md.
func RoutesTable(routes []Route) string {
	var b strings.Builder
	b.WriteString("| endpoint | who |")
	for _, r := range Roles {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString(" scope |\n|---|---|" + strings.Repeat("---|", len(Roles)) + "---|\n")
	for _, rt := range routes {
		fmt.Fprintf(&b, "| `%s %s` | %s |", rt.Method, rt.Path, rt.Rule.Auth)
		for _, role := range Roles {
			mark := "—"
			switch {
			case rt.Rule.Auth == Public || rt.Rule.Auth == SiteToken:
				mark = "·"
			case slices.Contains(rt.Rule.Roles, role):
				mark = "yes"
			}
			b.WriteString(" " + mark + " |")
		}
		scope := "—"
		switch rt.Rule.Reach {
		case OwnSite:
			scope = "own site"
		case AllSites:
			scope = "all sites only"
		}
		if rt.Rule.Auth == SiteToken {
			scope = "the token's site"
		}
		b.WriteString(" " + scope + " |\n")
	}
	return b.String()
}
