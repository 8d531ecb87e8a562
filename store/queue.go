package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"fengqiao/app"
)

// Queue implements app.Hall.
func (h *Hall) Queue(ctx context.Context) (app.QueueStatus, error) {
	now := h.clock()
	day := app.BusinessDay(now, h.rules.Location, h.rules.ResetAt)
	st := app.QueueStatus{Day: day, Open: h.rules.Hours.Open(now.In(h.rules.Location))}
	waiting := map[string]int{}
	rows, err := h.db.read.QueryContext(ctx,
		"SELECT service, count(*) FROM tickets WHERE day = ? AND status = 'waiting' GROUP BY service", day)
	if err != nil {
		return st, storeErr("read queue", err)
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return st, storeErr("read queue", err)
		}
		waiting[s] = n
	}
	rows.Close()

	current := map[int]*app.Ticket{}
	held := map[int][]app.Ticket{}
	serving := map[string][]string{}
	trows, err := h.db.read.QueryContext(ctx, "SELECT "+ticketColumns+ticketFrom+
		"WHERE t.status IN ('called', 'serving', 'held') AND t.window_id IS NOT NULL ORDER BY t.called_at")
	if err != nil {
		return st, storeErr("read queue", err)
	}
	for trows.Next() {
		tk, err := scanTicket(trows)
		if err != nil {
			trows.Close()
			return st, storeErr("read queue", err)
		}
		if tk.Status == app.TicketHeld {
			held[tk.Window] = append(held[tk.Window], tk)
			continue
		}
		current[tk.Window] = &tk
		serving[tk.Service] = append(serving[tk.Service], tk.Label)
	}
	trows.Close()

	paused := map[int]bool{}
	prows, err := h.db.read.QueryContext(ctx, "SELECT id, paused FROM windows")
	if err != nil {
		return st, storeErr("read windows", err)
	}
	for prows.Next() {
		var id, p int
		if err := prows.Scan(&id, &p); err != nil {
			prows.Close()
			return st, storeErr("read windows", err)
		}
		paused[id] = p != 0
	}
	prows.Close()

	staff, err := h.signedInStaff(ctx)
	if err != nil {
		return st, err
	}

	for _, s := range h.services {
		sv := serving[s.Code]
		if sv == nil {
			sv = []string{}
		}
		st.Services = append(st.Services, app.ServiceQueue{Service: s.Code, Name: s.Name, Prefix: s.Prefix,
			Waiting: waiting[s.Code], Serving: sv})
	}
	for _, w := range h.windows {
		st.Windows = append(st.Windows, app.WindowState{ID: w.ID, Name: w.Name, Paused: paused[w.ID],
			Current: current[w.ID], Held: held[w.ID], Staff: staff[w.ID]})
	}
	return st, nil
}

// replayPage is how many events one read of the log replays.
const replayPage = 500

// Subscribe implements app.Hall. It subscribes to the live feed first, then replays the log after
// after, page by page, until a page comes back short, and then forwards the live feed, skipping
// the events it has replayed: the subscriber gets every event once, in id order, with Replayed set
// on those it asked to catch up on. With after 0 it starts at the newest event, and nothing is
// replayed. A subscriber that falls
// so far behind that the live feed drops it is subscribed again and caught up from the log, so
// the channel closes only when ctx ends or the log cannot be read.
func (h *Hall) Subscribe(ctx context.Context, after int64) (<-chan app.Event, error) {
	live, cancel := h.bus.Subscribe()
	// The events replayed from the log are marked Replayed: those the subscriber asked to catch up
	// on. A subscription from now (after <= 0) asked for none: an event logged after it began is
	// new to the subscriber even if the log, not the live feed, brings it (the log is read on
	// another goroutine, maybe after the event), and a rating pad must still ask about it.
	through := int64(math.MaxInt64)
	if after <= 0 {
		newest, err := h.LastEventID(ctx)
		if err != nil {
			cancel()
			return nil, err
		}
		after, through = newest, newest
	}
	out := make(chan app.Event, 16)
	go func() {
		defer close(out)
		last := after
		for {
			err := h.replay(ctx, &last, through, out)
			if err == nil {
				err = forward(ctx, live, &last, out)
			}
			cancel()
			if !errors.Is(err, errDropped) {
				if err != nil && ctx.Err() == nil {
					slog.Warn("event subscription ended", "err", err)
				}
				return
			}
			live, cancel = h.bus.Subscribe()
			through = math.MaxInt64 // dropped for falling behind: what it missed comes from the log
		}
	}()
	return out, nil
}

// errDropped reports that the live feed dropped a subscriber that fell behind.
var errDropped = errors.New("live feed dropped the subscriber")

// replay sends the logged events after *last to out, page by page, until a page comes back short.
// Those up to through are marked Replayed.
func (h *Hall) replay(ctx context.Context, last *int64, through int64, out chan<- app.Event) error {
	for {
		page, err := h.eventsAfter(ctx, *last)
		if err != nil {
			return err
		}
		for _, ev := range page {
			ev.Replayed = ev.ID <= through
			select {
			case out <- ev:
				*last = ev.ID
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if len(page) < replayPage {
			return nil
		}
	}
}

// eventsAfter reads one page of logged events after the id.
func (h *Hall) eventsAfter(ctx context.Context, after int64) ([]app.Event, error) {
	rows, err := h.db.read.QueryContext(ctx, "SELECT id, body FROM events WHERE id > ? ORDER BY id LIMIT ?", after, replayPage)
	if err != nil {
		return nil, storeErr("replay events", err)
	}
	defer rows.Close()
	var page []app.Event
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, storeErr("replay events", err)
		}
		var ev app.Event
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, fmt.Errorf("replay event %d: %w", id, err)
		}
		ev.ID = id
		page = append(page, ev)
	}
	return page, storeErr("replay events", rows.Err())
}

// forward sends live events after *last to out until ctx ends (ctx.Err()) or the feed drops the
// subscriber (errDropped).
func forward(ctx context.Context, live <-chan app.Event, last *int64, out chan<- app.Event) error {
	for {
		select {
		case ev, ok := <-live:
			if !ok {
				return errDropped
			}
			if ev.ID <= *last {
				continue // already replayed
			}
			select {
			case out <- ev:
				*last = ev.ID
			case <-ctx.Done():
				return ctx.Err()
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Epoch returns the epoch of the hall's event log (DB.Epoch).
func (h *Hall) Epoch() string { return h.db.Epoch() }

// LastEventID returns the id of the newest event.
func (h *Hall) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := h.db.read.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&id)
	return id, storeErr("read last event", err)
}

// signedInStaff returns, per window, the name of the staff member whose session there is open
// and not expired: the rating pad shows who serves.
func (h *Hall) signedInStaff(ctx context.Context) (map[int]string, error) {
	rows, err := h.db.read.QueryContext(ctx, `SELECT window_id, staff, signed_in_at FROM staff_sessions
		WHERE signed_out_at IS NULL ORDER BY signed_in_at`)
	if err != nil {
		return nil, storeErr("read window staff", err)
	}
	defer rows.Close()
	now := h.clock().UnixMicro()
	staff := map[int]string{}
	for rows.Next() {
		var window int
		var name string
		var at int64
		if err := rows.Scan(&window, &name, &at); err != nil {
			return nil, storeErr("read window staff", err)
		}
		if !sessionExpired(at, now) {
			staff[window] = name // the latest session wins
		}
	}
	if err := rows.Err(); err != nil {
		return nil, storeErr("read window staff", err)
	}
	return staff, nil
}
