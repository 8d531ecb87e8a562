package store

import (
	"context"
	"encoding/json"
	"fmt"

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
			Current: current[w.ID], Held: held[w.ID]})
	}
	return st, nil
}

// Subscribe implements app.Hall. The live subscription starts before the replay, so no event
// committed in between is lost; events already replayed are not sent twice.
func (h *Hall) Subscribe(ctx context.Context, after int64) (<-chan app.Event, error) {
	live, cancel := h.bus.Subscribe()
	var replay []app.Event
	if after > 0 {
		rows, err := h.db.read.QueryContext(ctx, "SELECT id, body FROM events WHERE id > ? ORDER BY id LIMIT 1000", after)
		if err != nil {
			cancel()
			return nil, storeErr("replay events", err)
		}
		for rows.Next() {
			var id int64
			var body string
			if err := rows.Scan(&id, &body); err != nil {
				rows.Close()
				cancel()
				return nil, storeErr("replay events", err)
			}
			var ev app.Event
			if err := json.Unmarshal([]byte(body), &ev); err != nil {
				rows.Close()
				cancel()
				return nil, fmt.Errorf("replay event %d: %w", id, err)
			}
			ev.ID = id
			replay = append(replay, ev)
		}
		rows.Close()
	}
	out := make(chan app.Event, 16)
	go func() {
		defer close(out)
		defer cancel()
		last := after
		for _, ev := range replay {
			select {
			case out <- ev:
				last = ev.ID
			case <-ctx.Done():
				return
			}
		}
		for {
			select {
			case ev, ok := <-live:
				if !ok {
					return // fell behind: the subscriber reconnects with its last id
				}
				if ev.ID <= last {
					continue
				}
				select {
				case out <- ev:
					last = ev.ID
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// LastEventID returns the id of the newest event.
func (h *Hall) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := h.db.read.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&id)
	return id, storeErr("read last event", err)
}
