package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// ApplyBatch implements center.Store. Under the lock of the site's row it takes the events that
// continue the site's high-water mark without a gap, projects them in id order into cases and
// tickets, stores them raw with their outcome, and moves the mark, all in one transaction. Events
// at or below the mark are duplicates and are skipped; events past a gap wait for the hall to
// resend them after the reply. Either way the reply's AppliedThrough is where the hall resumes.
// Events that overlap ids applied under another epoch of the site are refused (checkEpoch). The
// push is recorded as the site's contact in the same transaction (recordPush).
//
// On PostgreSQL pushes that arrive while others are being applied are applied together, several
// halls' in one transaction (pushGroups): the same rows, fewer round trips and commits.
func (s *Store) ApplyBatch(ctx context.Context, siteID int64, req wire.PushRequest) (wire.PushReply, error) {
	decoded, err := center.Decode(req.Events)
	if err != nil {
		return wire.PushReply{}, err
	}
	p := &push{site: siteID, req: req, events: decoded}
	if s.groups != nil {
		return s.groups.apply(ctx, p)
	}
	return s.applyAlone(ctx, p)
}

// push is one hall's push on its way into the store.
type push struct {
	site   int64
	req    wire.PushRequest
	events []center.Decoded // req.Events decoded, in id order
}

// applyAlone applies one push in its own transaction.
func (s *Store) applyAlone(ctx context.Context, p *push) (wire.PushReply, error) {
	var reply wire.PushReply
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		hwm, epoch, err := s.lockPush(ctx, tx, p.site, p.req.Epoch)
		if err != nil {
			return err
		}
		if err := s.checkEpoch(ctx, tx, p.site, hwm, p.req, epoch); err != nil {
			return err
		}
		run := contiguous(p.events, hwm)
		codes := center.CaseCodes(run)
		cases := map[string]*center.CaseState{}
		if err := s.loadCases(ctx, tx, codes, cases); err != nil {
			return err
		}
		pending, err := s.loadPending(ctx, tx, p.site, codes)
		if err != nil {
			return err
		}
		var w writes
		reply = w.project(p, hwm, run, cases, pending, s.now().UnixMicro())
		return s.write(ctx, tx, &w)
	})
	return reply, err
}

// writes are the rows that one or more pushes write, gathered so that a group of pushes writes
// each table with one statement.
type writes struct {
	refused, raw [][]any
	cases        []*center.CaseState
	entries      []center.Entry
	tickets      [][]any
	bookings     []bookingOutcome
	ratings      []center.RatingRow
	relays       []center.Relay
	echoes       []echo
	marks        []mark
}

// echo is a centre change whose echo a push brought.
type echo struct{ site, seq, event int64 }

// mark is what a push records on its site's row: its high-water mark and its contact.
type mark struct {
	site, appliedThrough int64
	req                  wire.PushRequest
}

// project applies a run of events that continues the site's high-water mark hwm to cases (the
// run's cases as stored, by code) and pending (the site's changes to them awaiting their echo),
// adds the rows to write to w and returns the push's reply.
func (w *writes) project(p *push, hwm int64, run []center.Decoded, cases map[string]*center.CaseState, pending []*center.Pending, now int64) wire.PushReply {
	reply := wire.PushReply{AppliedThrough: hwm}
	if len(run) > 0 {
		pr := center.NewProjection(p.site)
		pr.Cases, pr.Pending = cases, pending
		for _, d := range run {
			outcome, reason := pr.Apply(d)
			w.raw = append(w.raw, []any{p.site, d.ID, micros(d.At), d.Kind, string(d.Event.Body), outcome, reason, now, p.req.Epoch})
			if outcome == center.OutcomeRefused {
				w.refused = append(w.refused, []any{p.site, d.ID, d.Kind, reason, now})
			}
		}
		w.cases = append(w.cases, changed(pr.Cases)...)
		w.entries = append(w.entries, pr.Entries...)
		for _, t := range pr.Tickets {
			w.tickets = append(w.tickets, []any{p.site, t.ID, t.Day, t.Label, t.Service, t.Category, string(t.Priority),
				string(t.Status), t.Window, t.CaseCode, micros(t.IssuedAt), nullMicros(t.CalledAt), nullMicros(t.StartedAt),
				nullMicros(t.CompletedAt), t.Booking})
		}
		w.bookings = append(w.bookings, bookingOutcomes(p.site, run, pr.Tickets)...)
		w.ratings = append(w.ratings, pr.Ratings...)
		w.relays = append(w.relays, pr.Relays...)
		for _, pd := range pr.Pending {
			if pd.Echo != 0 {
				w.echoes = append(w.echoes, echo{site: p.site, seq: pd.Seq, event: pd.Echo})
			}
		}
		reply = wire.PushReply{AppliedThrough: run[len(run)-1].ID, Applied: len(run)}
	}
	w.marks = append(w.marks, mark{site: p.site, appliedThrough: reply.AppliedThrough, req: p.req})
	return reply
}

// write stores w in tx.
func (s *Store) write(ctx context.Context, tx *sql.Tx, w *writes) error {
	if err := s.insertRows(ctx, tx, "INSERT INTO refused_events (site_id, event_id, kind, reason, received_at)",
		"", w.refused); err != nil {
		return dbErr("store refused events", err)
	}
	if err := s.writeCases(ctx, tx, w.cases); err != nil {
		return err
	}
	if err := s.writeEntries(ctx, tx, w.entries); err != nil {
		return err
	}
	if err := s.writeTickets(ctx, tx, w.tickets); err != nil {
		return err
	}
	if err := s.recordBookingOutcomes(ctx, tx, w.bookings); err != nil {
		return err
	}
	if err := s.writeRatings(ctx, tx, w.ratings); err != nil {
		return err
	}
	if err := s.writeRelays(ctx, tx, w.relays); err != nil {
		return err
	}
	if err := s.insertRows(ctx, tx, "INSERT INTO events (site_id, event_id, at, kind, body, outcome, reason, received_at, epoch)",
		"", w.raw); err != nil {
		return dbErr("store events", err)
	}
	for _, e := range w.echoes {
		if _, err := tx.ExecContext(ctx, s.rebind("UPDATE changes SET echo_event = ? WHERE site_id = ? AND seq = ?"),
			e.event, e.site, e.seq); err != nil {
			return dbErr("confirm change", err)
		}
	}
	return s.recordPushes(ctx, tx, w.marks, s.now().UnixMicro())
}

// recordPushes advances the sites' high-water marks and records each push as its site's contact
// — its time, the backlog it reported and its catalogue if it sent one — in the push's
// transaction, so that a push is one commit. On PostgreSQL the sites are updated by one statement.
func (s *Store) recordPushes(ctx context.Context, tx *sql.Tx, marks []mark, now int64) error {
	plain := marks
	if s.postgres && len(marks) > 1 {
		ids, through, backlog := make([]int64, len(marks)), make([]int64, len(marks)), make([]int64, len(marks))
		for i, m := range marks {
			ids[i], through[i], backlog[i] = m.site, m.appliedThrough, int64(m.req.Backlog)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sites s SET applied_through = v.through, last_push_at = $4, backlog = v.backlog
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(id, through, backlog) WHERE s.id = v.id`,
			ids, through, backlog, now); err != nil {
			return dbErr("record pushes", err)
		}
		plain = nil
		for _, m := range marks {
			if m.req.Catalogue != nil {
				plain = append(plain, m)
			}
		}
	}
	for _, m := range plain {
		if err := s.recordPush(ctx, tx, m.site, m.appliedThrough, m.req, now); err != nil {
			return err
		}
	}
	return nil
}

// recordPush advances the site's high-water mark and records the push as its contact.
func (s *Store) recordPush(ctx context.Context, tx *sql.Tx, siteID, appliedThrough int64, req wire.PushRequest, now int64) error {
	q, args := "UPDATE sites SET applied_through = ?, last_push_at = ?, backlog = ?", []any{appliedThrough, now, req.Backlog}
	if req.Catalogue != nil {
		b, err := json.Marshal(req.Catalogue)
		if err != nil {
			return fmt.Errorf("record push: encode catalogue: %w", err)
		}
		q, args = q+", catalogue = ?, catalogue_at = ?", append(args, string(b), now)
	}
	_, err := tx.ExecContext(ctx, s.rebind(q+" WHERE id = ?"), append(args, siteID)...)
	return dbErr("record push", err)
}

// changed returns the cases to write back, in code order.
func changed(cases map[string]*center.CaseState) []*center.CaseState {
	var out []*center.CaseState
	for _, cs := range cases {
		if cs.Changed {
			out = append(out, cs)
		}
	}
	slices.SortFunc(out, func(a, b *center.CaseState) int { return strings.Compare(a.Case.Code, b.Case.Code) })
	return out
}

// contiguous returns the events that continue hwm without a gap. events are in id order.
func contiguous(events []center.Decoded, hwm int64) []center.Decoded {
	var run []center.Decoded
	next := hwm + 1
	for _, d := range events {
		switch {
		case d.ID < next:
			continue // applied before
		case d.ID > next:
			return run // a gap: the hall resends from next
		}
		run = append(run, d)
		next++
	}
	return run
}

// caseColumns are the columns of cases, in the order of caseRow and scanCase.
const caseColumns = `code, site_id, service, category, status, owner, unit, level, handling, department, summary,
	result, follow_up_on, opened_at, updated_at, closed_at, masked_name, masked_id_number, masked_phone,
	id_number, name, phone, worker_site_id, referral_deadline, source, risk, grid_id, parties, id_hash`

func caseRow(cs *center.CaseState) []any {
	c := cs.Case
	var m app.MaskedVisitor
	if c.Visitor != nil {
		m = *c.Visitor
	}
	var id app.Visitor
	if cs.Identity != nil {
		id = *cs.Identity
	}
	return []any{c.Code, cs.Site, c.Service, c.Category, string(c.Status), c.Owner, c.Unit, c.Level, c.Handling,
		c.Department, c.Summary, string(c.Result), c.FollowUpOn, micros(c.OpenedAt), micros(c.UpdatedAt),
		nullMicros(c.ClosedAt), m.Name, m.IDNumber, m.Phone, id.IDNumber, id.Name, id.Phone, nullInt(cs.WorkerSite), c.Deadline,
		string(c.Source), string(c.Risk), nullInt(cs.Grid), max(cs.Parties, 1), cs.IDHash}
}

type scanner interface{ Scan(dest ...any) error }

func scanCase(row scanner) (*center.CaseState, error) {
	cs := &center.CaseState{}
	c := &cs.Case
	var status, result string
	var opened, updated int64
	var closed sql.NullInt64
	var m app.MaskedVisitor
	var id app.Visitor
	var worker, grid sql.NullInt64
	var source, risk string
	if err := row.Scan(&c.Code, &cs.Site, &c.Service, &c.Category, &status, &c.Owner, &c.Unit, &c.Level, &c.Handling,
		&c.Department, &c.Summary, &result, &c.FollowUpOn, &opened, &updated, &closed, &m.Name, &m.IDNumber, &m.Phone,
		&id.IDNumber, &id.Name, &id.Phone, &worker, &c.Deadline, &source, &risk, &grid, &cs.Parties, &cs.IDHash); err != nil {
		return nil, err
	}
	cs.WorkerSite, cs.Grid = worker.Int64, grid.Int64
	c.Source, c.Risk = app.CaseSource(source), app.Risk(risk)
	c.Status, c.Result = app.CaseStatus(status), app.CaseResult(result)
	c.OpenedAt, c.UpdatedAt, c.ClosedAt = time.UnixMicro(opened).UTC(), time.UnixMicro(updated).UTC(), fromMicros(closed)
	if m != (app.MaskedVisitor{}) {
		c.Visitor = &m
	}
	if id.IDNumber != "" {
		cs.Identity = &id
	}
	return cs, nil
}

// loadCases reads the cases with the given codes into into. PostgreSQL rows are not locked: cases
// change only under their site's lock, which the caller holds.
func (s *Store) loadCases(ctx context.Context, tx *sql.Tx, codes []string, into map[string]*center.CaseState) error {
	const per = 500
	for start := 0; start < len(codes); start += per {
		chunk := codes[start:min(start+per, len(codes))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		rows, err := tx.QueryContext(ctx, s.rebind("SELECT "+caseColumns+" FROM cases WHERE code IN "+inList(len(chunk))), args...)
		if err != nil {
			return dbErr("load cases", err)
		}
		for rows.Next() {
			cs, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return dbErr("load cases", err)
			}
			into[cs.Case.Code] = cs
		}
		if err := rows.Close(); err != nil {
			return dbErr("load cases", err)
		}
		if err := rows.Err(); err != nil {
			return dbErr("load cases", err)
		}
	}
	return nil
}

// loadPending reads the site's changes to the given cases whose echo has not arrived, in seq order.
func (s *Store) loadPending(ctx context.Context, tx *sql.Tx, siteID int64, codes []string) ([]*center.Pending, error) {
	pending, err := s.loadPendingOf(ctx, tx, []int64{siteID}, codes)
	return pending[siteID], err
}

func (s *Store) writeCases(ctx context.Context, tx *sql.Tx, cases []*center.CaseState) error {
	var rows [][]any
	for _, cs := range cases {
		if err := s.fillGridAndHash(ctx, tx, cs); err != nil {
			return err
		}
		rows = append(rows, caseRow(cs))
	}
	err := s.insertRows(ctx, tx, "INSERT INTO cases ("+caseColumns+")", `ON CONFLICT (code) DO UPDATE SET
		service = excluded.service, category = excluded.category, status = excluded.status, owner = excluded.owner,
		unit = excluded.unit, level = excluded.level, handling = excluded.handling, department = excluded.department,
		summary = excluded.summary, result = excluded.result, follow_up_on = excluded.follow_up_on,
		updated_at = excluded.updated_at, closed_at = excluded.closed_at, masked_name = excluded.masked_name,
		masked_id_number = excluded.masked_id_number, masked_phone = excluded.masked_phone,
		id_number = excluded.id_number, name = excluded.name, phone = excluded.phone,
		worker_site_id = excluded.worker_site_id, referral_deadline = excluded.referral_deadline,
		source = excluded.source, risk = excluded.risk, grid_id = excluded.grid_id, parties = excluded.parties,
		id_hash = excluded.id_hash`, rows)
	return dbErr("write cases", err)
}

func (s *Store) writeEntries(ctx context.Context, tx *sql.Tx, entries []center.Entry) error {
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{e.Code, micros(e.At), e.Kind, string(e.Status), e.Note, e.By, string(e.Origin), nullInt(e.EventID), nullInt(e.Seq)}
	}
	err := s.insertRows(ctx, tx, "INSERT INTO case_entries (code, at, kind, status, note, by_name, origin, event_id, seq)", "", rows)
	return dbErr("write case history", err)
}

// writeTickets upserts tickets, rows in the order of project's.
func (s *Store) writeTickets(ctx context.Context, tx *sql.Tx, rows [][]any) error {
	err := s.insertRows(ctx, tx, `INSERT INTO tickets (site_id, ticket_id, day, label, service, category, priority, status,
		window_id, case_code, issued_at, called_at, started_at, completed_at, booking)`, `ON CONFLICT (site_id, ticket_id) DO UPDATE SET
		service = excluded.service, category = excluded.category, priority = excluded.priority, status = excluded.status,
		window_id = excluded.window_id, case_code = excluded.case_code, called_at = excluded.called_at,
		started_at = excluded.started_at, completed_at = excluded.completed_at, booking = excluded.booking`, rows)
	return dbErr("write tickets", err)
}

func (s *Store) writeRatings(ctx context.Context, tx *sql.Tx, ratings []center.RatingRow) error {
	rows := make([][]any, len(ratings))
	for i, r := range ratings {
		flagged := 0
		if r.Flagged {
			flagged = 1
		}
		rows[i] = []any{r.Site, r.ID, r.Label, r.Window, int(r.Score), flagged, r.CaseCode, micros(r.At), r.Staff}
	}
	err := s.insertRows(ctx, tx, "INSERT INTO ratings (site_id, rating_id, label, window_id, score, flagged, case_code, at, staff)",
		"ON CONFLICT (site_id, rating_id) DO NOTHING", rows)
	return dbErr("write ratings", err)
}
