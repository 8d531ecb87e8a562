package hub

import (
	"context"

	"fengqiao/app"
)

// windowStaff tells who is signed in at a window: store.Console.
type windowStaff interface {
	WindowStaff(ctx context.Context, window int) (string, error)
}

// badgeKinds are the events that carry the serving staff member's badge.
var badgeKinds = map[app.EventKind]bool{app.EventCalled: true, app.EventRecalled: true, app.EventStarted: true, app.EventCompleted: true}

// project returns ev as the role may see it, with the serving staff member's badge added to calls
// and completions.
func (s *Server) project(ctx context.Context, role app.Role, ev app.Event) app.Event {
	if ws, ok := s.hall.(windowStaff); ok && badgeKinds[ev.Kind] && ev.Window > 0 {
		if name, err := ws.WindowStaff(ctx, ev.Window); err == nil && name != "" {
			ev.Staff = &app.StaffBadge{Name: name, ID: s.staff[name].ID}
		}
	}
	return Project(role, ev)
}

// Project returns an event as a role may see it: the window role everything (the visitor is
// already masked); the kiosk, display and rating roles only what they show — numbers, windows,
// services, counts, help alerts and the serving staff member's name and 工号 — and no visitor
// identity or case content at all: no case, no case code, no category, no priority basis.
func Project(role app.Role, ev app.Event) app.Event {
	if role == app.RoleWindow {
		return ev
	}
	out := app.Event{ID: ev.ID, At: ev.At, Kind: ev.Kind, Window: ev.Window, Replayed: ev.Replayed, Staff: ev.Staff}
	if t := ev.Ticket; t != nil {
		out.Ticket = &app.Ticket{ID: t.ID, Day: t.Day, Number: t.Number, Label: t.Label, Service: t.Service,
			Priority: t.Priority, Status: t.Status, Window: t.Window, Recalls: t.Recalls, IssuedAt: t.IssuedAt,
			ArrivedAt: t.ArrivedAt, CalledAt: t.CalledAt, StartedAt: t.StartedAt, CompletedAt: t.CompletedAt, Ahead: t.Ahead}
	}
	if h := ev.Help; h != nil {
		out.Help = &app.HelpAlert{ID: h.ID, Source: h.Source, RaisedAt: h.RaisedAt, TakenBy: h.TakenBy, TakenAt: h.TakenAt}
	}
	if r := ev.Rating; r != nil {
		out.Rating = &app.Rating{ID: r.ID, Ticket: r.Ticket, Label: r.Label, Window: r.Window, Staff: r.Staff,
			Score: r.Score, At: r.At}
	}
	return out
}
