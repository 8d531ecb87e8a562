package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
func (s *Store) ApplyBatch(ctx context.Context, siteID int64, req wire.PushRequest) (wire.PushReply, error) {
	decoded, err := center.Decode(req.Events)
	if err != nil {
		return wire.PushReply{}, err
	}
	var reply wire.PushReply
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		hwm, epoch, err := s.lockPush(ctx, tx, siteID, req.Epoch)
		if err != nil {
			return err
		}
		if err := s.checkEpoch(ctx, tx, siteID, hwm, req, epoch); err != nil {
			return err
		}
		reply = wire.PushReply{AppliedThrough: hwm}
		now := s.now().UnixMicro()
		if run := contiguous(decoded, hwm); len(run) > 0 {
			if reply, err = s.applyRun(ctx, tx, siteID, req.Epoch, run, now); err != nil {
				return err
			}
		}
		return s.recordPush(ctx, tx, siteID, reply.AppliedThrough, req, now)
	})
	return reply, err
}

// applyRun projects a run of events that continues the site's high-water mark and stores them,
// in the push's transaction.
func (s *Store) applyRun(ctx context.Context, tx *sql.Tx, siteID int64, epoch string, run []center.Decoded, now int64) (wire.PushReply, error) {
	p := center.NewProjection(siteID)
	codes := center.CaseCodes(run)
	if err := s.loadCases(ctx, tx, codes, p.Cases); err != nil {
		return wire.PushReply{}, err
	}
	var err error
	if p.Pending, err = s.loadPending(ctx, tx, siteID, codes); err != nil {
		return wire.PushReply{}, err
	}
	raw := make([][]any, len(run))
	var refused [][]any
	for i, d := range run {
		outcome, reason := p.Apply(d)
		raw[i] = []any{siteID, d.ID, micros(d.At), d.Kind, string(d.Event.Body), outcome, reason, now, epoch}
		if outcome == center.OutcomeRefused {
			refused = append(refused, []any{siteID, d.ID, d.Kind, reason, now})
		}
	}
	if err := s.insertRows(ctx, tx, "INSERT INTO refused_events (site_id, event_id, kind, reason, received_at)",
		"", refused); err != nil {
		return wire.PushReply{}, dbErr("store refused events", err)
	}
	if err := s.writeCases(ctx, tx, p.Cases); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.writeEntries(ctx, tx, p.Entries); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.writeTickets(ctx, tx, siteID, p.Tickets); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.recordBookingOutcomes(ctx, tx, siteID, run, p.Tickets); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.writeRatings(ctx, tx, p.Ratings); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.writeRelays(ctx, tx, p.Relays); err != nil {
		return wire.PushReply{}, err
	}
	if err := s.insertRows(ctx, tx, "INSERT INTO events (site_id, event_id, at, kind, body, outcome, reason, received_at, epoch)",
		"", raw); err != nil {
		return wire.PushReply{}, dbErr("store events", err)
	}
	for _, pd := range p.Pending {
		if pd.Echo == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.rebind("UPDATE changes SET echo_event = ? WHERE site_id = ? AND seq = ?"),
			pd.Echo, siteID, pd.Seq); err != nil {
			return wire.PushReply{}, dbErr("confirm change", err)
		}
	}
	return wire.PushReply{AppliedThrough: run[len(run)-1].ID, Applied: len(run)}, nil
}

// recordPush advances the site's high-water mark and records the push as its contact — its
// time, the backlog it reported and its catalogue if it sent one — in the push's transaction,
// so that a push is one commit.
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
	if len(codes) == 0 {
		return nil, nil
	}
	args := []any{siteID}
	for _, c := range codes {
		args = append(args, c)
	}
	rows, err := tx.QueryContext(ctx, s.rebind(`SELECT seq, code, kind, status, note, by_name FROM changes
		WHERE site_id = ? AND echo_event IS NULL AND code IN `+inList(len(codes))+` ORDER BY seq`), args...)
	if err != nil {
		return nil, dbErr("load pending changes", err)
	}
	defer rows.Close()
	var out []*center.Pending
	for rows.Next() {
		pd := &center.Pending{}
		var status string
		if err := rows.Scan(&pd.Seq, &pd.Code, &pd.Kind, &status, &pd.Note, &pd.By); err != nil {
			return nil, dbErr("load pending changes", err)
		}
		pd.Status = app.CaseStatus(status)
		out = append(out, pd)
	}
	return out, dbErr("load pending changes", rows.Err())
}

func (s *Store) writeCases(ctx context.Context, tx *sql.Tx, cases map[string]*center.CaseState) error {
	var rows [][]any
	for _, cs := range cases {
		if !cs.Changed {
			continue
		}
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

func (s *Store) writeTickets(ctx context.Context, tx *sql.Tx, siteID int64, tickets map[int64]*app.Ticket) error {
	rows := make([][]any, 0, len(tickets))
	for _, t := range tickets {
		rows = append(rows, []any{siteID, t.ID, t.Day, t.Label, t.Service, t.Category, string(t.Priority), string(t.Status),
			t.Window, t.CaseCode, micros(t.IssuedAt), nullMicros(t.CalledAt), nullMicros(t.StartedAt), nullMicros(t.CompletedAt),
			t.Booking})
	}
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
