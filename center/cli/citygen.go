package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"fengqiao/app"
	"fengqiao/center/citysim"
	"fengqiao/center/sqlstore"
)

// benchSitePrefix names the bench's halls: 测试大厅0001 …
const benchSitePrefix = "测试大厅"

// cityShape is the city the bench generates: halls under towns under counties under one city.
type cityShape struct {
	Sites, Towns, Counties, Cases int
}

func newCityShape(sites, cases int) cityShape {
	towns := max(1, sites/10)
	return cityShape{Sites: sites, Towns: towns, Counties: max(1, towns/20), Cases: cases}
}

// cityGen writes a generated city into PostgreSQL with COPY: the regions and halls, then the
// cases of two years in chunks, each case with its ticket, history, follow-ups and the raw events
// the hall would have pushed.
type cityGen struct {
	shape     cityShape
	now       time.Time
	rng       *rand.Rand
	sites     []int64
	lastEvent []int64 // per site, the last event id used
	lastTick  []int64 // per site, the last ticket id used
	// the rows of the chunk being written, per table
	cases, entries, tickets, events [][]any
}

// loadCity generates the city's halls and cases. It needs a PostgreSQL superuser: it copies with
// triggers off (session_replication_role) and recounts the ledger once at the end.
func loadCity(ctx context.Context, st *sqlstore.Store, shape cityShape) error {
	var n int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM sites WHERE name LIKE $1", benchSitePrefix+"%").Scan(&n); err != nil {
		return fmt.Errorf("count bench sites: %w", err)
	}
	if n > 0 {
		return errors.New("the database holds a bench city already: measure it with --cases 0, or use a new database")
	}
	g := &cityGen{shape: shape, now: time.Now().UTC(), rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 21))}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("bench connection: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("the bench needs PostgreSQL")
		}
		return g.write(ctx, c.Conn())
	})
	if err != nil {
		return err
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE sites SET applied_through = d.last, last_push_at = $3, last_pull_at = $3
		FROM unnest($1::bigint[], $2::bigint[]) AS d(id, last) WHERE sites.id = d.id`, g.sites, g.lastEvent, g.now.UnixMicro()); err != nil {
		return fmt.Errorf("set high-water marks: %w", err)
	}
	if _, err := rebuildLedger(ctx, st); err != nil {
		return err
	}
	// Vacuumed as well as analysed: two years of a running centre's rows have long been vacuumed
	// (all-visible), which is what lets the dashboards' index-only scans skip the heap.
	_, err = st.DB().ExecContext(ctx, "VACUUM (ANALYZE)")
	return err
}

func (g *cityGen) write(ctx context.Context, c *pgx.Conn) error {
	if _, err := c.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		return fmt.Errorf("turn triggers off for the copy (the bench needs a superuser): %w", err)
	}
	defer c.Exec(context.WithoutCancel(ctx), "SET session_replication_role = DEFAULT")
	if err := g.writeSites(ctx, c); err != nil {
		return err
	}
	const chunk = 20000
	for done := 0; done < g.shape.Cases; done += chunk {
		g.cases, g.entries, g.tickets, g.events = g.cases[:0], g.entries[:0], g.tickets[:0], g.events[:0]
		for range min(chunk, g.shape.Cases-done) {
			if err := g.addCase(); err != nil {
				return err
			}
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"cases", []string{"code", "site_id", "service", "category", "status", "owner", "unit", "result", "follow_up_on",
				"opened_at", "updated_at", "closed_at", "masked_name", "masked_id_number", "masked_phone", "escalated",
				"escalation_accepted_at", "accepted_at"}, g.cases},
			{"case_entries", []string{"code", "at", "kind", "status", "note", "by_name", "origin", "event_id"}, g.entries},
			{"tickets", []string{"site_id", "ticket_id", "day", "label", "service", "category", "status", "window_id",
				"case_code", "issued_at", "called_at", "started_at", "completed_at"}, g.tickets},
			{"events", []string{"site_id", "event_id", "at", "kind", "body", "outcome", "received_at"}, g.events},
		} {
			if _, err := c.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", t.table, err)
			}
		}
	}
	return nil
}

// writeSites adds the city, its counties and towns, and the halls, ten to a town.
func (g *cityGen) writeSites(ctx context.Context, c *pgx.Conn) error {
	now := g.now.UnixMicro()
	region := func(name, level string, parent *int64) (int64, error) {
		var id int64
		err := c.QueryRow(ctx, "INSERT INTO regions (name, level, parent_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			name, level, parent, now).Scan(&id)
		return id, err
	}
	city, err := region("测试市", "city", nil)
	if err != nil {
		return fmt.Errorf("add regions: %w", err)
	}
	towns := make([]int64, g.shape.Towns)
	counties := make([]int64, g.shape.Counties)
	for i := range counties {
		if counties[i], err = region(fmt.Sprintf("测试%02d县", i+1), "county", &city); err != nil {
			return fmt.Errorf("add regions: %w", err)
		}
	}
	for i := range towns {
		if towns[i], err = region(fmt.Sprintf("测试%03d镇", i+1), "town", &counties[i%len(counties)]); err != nil {
			return fmt.Errorf("add regions: %w", err)
		}
	}
	rows := make([][]any, g.shape.Sites)
	for i := range rows {
		// A placeholder token hash, unique; the bench gives every hall a fresh token to measure.
		hash := fmt.Appendf(nil, "bench-%d-%d", now, i)
		rows[i] = []any{fmt.Sprintf("%s%04d", benchSitePrefix, i+1), hash, now, towns[i%len(towns)], "0575-8700" + fmt.Sprintf("%04d", i%10000)}
	}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{"sites"}, []string{"name", "token_hash", "created_at", "region_id", "phone"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy sites: %w", err)
	}
	r, err := c.Query(ctx, "SELECT id FROM sites WHERE name LIKE $1 ORDER BY id", benchSitePrefix+"%")
	if err != nil {
		return fmt.Errorf("read bench sites: %w", err)
	}
	g.sites, err = pgx.CollectRows(r, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("read bench sites: %w", err)
	}
	g.lastEvent, g.lastTick = make([]int64, len(g.sites)), make([]int64, len(g.sites))
	return nil
}

// openStages are the stages a case can still be in.
var openStages = []app.CaseStatus{app.CaseRegistered, app.CaseAccepted, app.CaseAssigned, app.CaseHandling, app.CaseFollowUp}

// addCase adds the rows of one case opened in the last two years: most closed, a few left open
// long past their deadline, the recent ones at every stage; one in twenty escalated.
func (g *cityGen) addCase() error {
	rng := g.rng
	si := rng.IntN(len(g.sites))
	site := g.sites[si]
	opened := g.now.Add(-time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
	svc := citysim.Services[rng.IntN(len(citysim.Services))]
	c := app.Case{Code: app.NewCaseCode(), Service: svc.Code, Category: svc.Categories[rng.IntN(len(svc.Categories))],
		Owner: app.OwnerHall, Unit: "司法所", OpenedAt: opened,
		Visitor: &app.MaskedVisitor{Name: "张*", IDNumber: "3306**********0012", Phone: "138****0000"}}
	age := g.now.Sub(opened)
	// The path the case took: its statuses in order.
	path := []app.CaseStatus{app.CaseRegistered, app.CaseAccepted, app.CaseAssigned, app.CaseHandling, app.CaseFollowUp, app.CaseClosed}
	switch open := age < 90*24*time.Hour && rng.Float64() < 0.6*(1-age.Hours()/(90*24)); {
	case open || rng.IntN(100) < 2:
		path = path[:1+rng.IntN(len(openStages))]
	case rng.IntN(100) < 7:
		path = []app.CaseStatus{app.CaseRegistered, app.CaseRejected}
	}
	c.Status = path[len(path)-1]
	escalated := c.Status != app.CaseRegistered && c.Status != app.CaseRejected && rng.IntN(20) == 0
	var accepted any
	if escalated && rng.IntN(2) == 0 {
		c.Owner, accepted = app.OwnerCentre, opened.Add(24*time.Hour).UnixMicro()
	}
	at := opened
	type step struct {
		kind   app.EventKind
		at     time.Time
		status app.CaseStatus
		entry  string // the history entry's kind, "" for none
		note   string
	}
	steps := []step{{app.EventIssued, at, "", "", ""}, {app.EventCalled, at.Add(10 * time.Minute), "", "", ""},
		{app.EventStarted, at.Add(11 * time.Minute), "", "", ""}, {app.EventCaseOpened, at.Add(20 * time.Minute), app.CaseRegistered, app.EntryStatus, ""},
		{app.EventCompleted, at.Add(30 * time.Minute), "", "", ""}}
	for _, s := range path[1:] {
		at = at.Add(time.Duration(12+rng.IntN(72)) * time.Hour)
		steps = append(steps, step{app.EventCaseChanged, at, s, app.EntryStatus, ""})
		if escalated && s == app.CaseAccepted {
			steps = append(steps, step{app.EventEscalated, at.Add(time.Hour), s, app.EntryEscalated, ""})
		}
	}
	if c.Status == app.CaseClosed {
		c.Result, c.ClosedAt = app.ResultResolved, &at
		if rng.IntN(10) == 0 {
			c.Result = app.ResultUnresolved
		}
		if rng.IntN(10) < 3 {
			steps = append(steps, step{app.EventCaseNote, at.Add(7 * 24 * time.Hour), c.Status, app.EntryFollowUp, "回访结果：满意"})
		}
	}
	if c.Status == app.CaseFollowUp {
		c.FollowUpOn = at.Add(7 * 24 * time.Hour).Format(time.DateOnly)
	}
	c.UpdatedAt = steps[len(steps)-1].at
	g.lastTick[si]++
	t := app.Ticket{ID: g.lastTick[si], Day: opened.Format(time.DateOnly), Label: fmt.Sprintf("%s%03d", svc.Prefix, g.lastTick[si]%1000),
		Service: svc.Code, Category: c.Category, Status: app.TicketDone, Window: 1 + rng.IntN(4), CaseCode: c.Code,
		IssuedAt: opened, ArrivedAt: opened}
	called, started, done := opened.Add(10*time.Minute), opened.Add(11*time.Minute), opened.Add(30*time.Minute)
	t.CalledAt, t.StartedAt, t.CompletedAt = &called, &started, &done
	ticketJSON, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode ticket: %w", err)
	}
	caseJSON, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode case: %w", err)
	}
	var closed, acceptedAt any
	if c.ClosedAt != nil {
		closed = c.ClosedAt.UnixMicro()
	}
	for _, s := range steps {
		if s.status == app.CaseAccepted && s.entry == app.EntryStatus {
			acceptedAt = s.at.UnixMicro()
			break
		}
	}
	g.cases = append(g.cases, []any{c.Code, site, c.Service, c.Category, string(c.Status), string(c.Owner), c.Unit,
		string(c.Result), c.FollowUpOn, opened.UnixMicro(), c.UpdatedAt.UnixMicro(), closed, c.Visitor.Name,
		c.Visitor.IDNumber, c.Visitor.Phone, escalated, accepted, acceptedAt})
	g.tickets = append(g.tickets, []any{site, t.ID, t.Day, t.Label, t.Service, t.Category, string(t.Status), t.Window,
		c.Code, opened.UnixMicro(), called.UnixMicro(), started.UnixMicro(), done.UnixMicro()})
	received := g.now.UnixMicro()
	for _, s := range steps {
		g.lastEvent[si]++
		id := g.lastEvent[si]
		field, body := "case", caseJSON
		if s.kind.OfTicket() {
			field, body = "ticket", ticketJSON
		}
		g.events = append(g.events, []any{site, id, s.at.UnixMicro(), string(s.kind),
			fmt.Sprintf(`{"id":%d,"at":%q,"kind":%q,%q:%s}`, id, s.at.Format(time.RFC3339Nano), s.kind, field, body),
			"applied", received})
		if s.entry != "" {
			g.entries = append(g.entries, []any{c.Code, s.at.UnixMicro(), s.entry, string(s.status), s.note, string(app.OwnerHall),
				string(app.OwnerHall), id})
		}
	}
	return nil
}
