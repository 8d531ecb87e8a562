package hub

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"fengqiao/app"
)

// bookingDesk is what the hub needs of a hall for appointments (预约): store.Hall.
type bookingDesk interface {
	CheckInBooking(ctx context.Context, req app.BookingCheckIn) (app.CheckInResult, error)
	CardBooking(ctx context.Context, idNumber string) (app.Booking, error)
	TodayBookings(ctx context.Context) ([]app.Booking, error)
}

// bookingRoutes adds the kiosk's check-in calls and the console's list of today's bookings
// (docs/api.md, "Appointments"). With a hall that keeps no bookings they answer 501.
func (s *Server) bookingRoutes() {
	desk, ok := s.hall.(bookingDesk)
	h := func(pattern string, rule Rule, fn func(w http.ResponseWriter, r *http.Request) error) {
		s.route(pattern, rule, func(w http.ResponseWriter, r *http.Request) error {
			if !ok {
				writeError(w, http.StatusNotImplemented, app.ENOTIMPLEMENTED, "this hub keeps no bookings")
				return nil
			}
			return fn(w, r)
		})
	}
	h("POST /api/v1/bookings/check-in", Rule{Roles: []app.Role{app.RoleKiosk}}, func(w http.ResponseWriter, r *http.Request) error {
		var req app.BookingCheckIn
		if err := readJSON(r, &req); err != nil {
			return err
		}
		if req.Visitor != nil {
			if err := req.Visitor.Check(); err != nil {
				return err
			}
		}
		res, err := desk.CheckInBooking(r.Context(), req)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, res)
	})
	h("POST /api/v1/bookings/card", Rule{Roles: []app.Role{app.RoleKiosk}}, func(w http.ResponseWriter, r *http.Request) error {
		var req LookupRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		b, err := desk.CardBooking(r.Context(), req.IDNumber)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, b)
	})
	h("GET /api/v1/bookings/today", Rule{Roles: windowOnly, Session: true}, func(w http.ResponseWriter, r *http.Request) error {
		list, err := desk.TodayBookings(r.Context())
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list)
	})
}

// CheckInBooking checks a booking in at the kiosk (POST /api/v1/bookings/check-in).
func (c *Client) CheckInBooking(ctx context.Context, req app.BookingCheckIn) (app.CheckInResult, error) {
	var res app.CheckInResult
	_, err := c.do(ctx, http.MethodPost, "/api/v1/bookings/check-in", req, &res)
	return res, err
}

// CardBooking returns today's booking made with the card's ID number, still to check in; the
// number travels in the body (POST /api/v1/bookings/card). ENOTFOUND when there is none.
func (c *Client) CardBooking(ctx context.Context, idNumber string) (app.Booking, error) {
	var b app.Booking
	_, err := c.do(ctx, http.MethodPost, "/api/v1/bookings/card", LookupRequest{IDNumber: idNumber}, &b)
	return b, err
}

// TodayBookings returns the hall's bookings of the day by slot, masked (GET /api/v1/bookings/today).
func (c *Client) TodayBookings(ctx context.Context) ([]app.Booking, error) {
	var list []app.Booking
	_, err := c.do(ctx, http.MethodGet, "/api/v1/bookings/today", nil, &list)
	return list, err
}

// NoShowMarker records no-shows: store.Hall.
type NoShowMarker interface {
	MarkNoShows(ctx context.Context) ([]app.Booking, error)
}

// RunNoShows marks the bookings whose slot passed its grace time as no-shows every interval until
// ctx ends; the hub runs it beside the API.
func RunNoShows(ctx context.Context, m NoShowMarker, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if marked, err := m.MarkNoShows(ctx); err != nil && ctx.Err() == nil {
			log.Warn("mark booking no-shows", "err", err)
		} else if len(marked) > 0 {
			log.Info("booking no-shows recorded", "count", len(marked))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
