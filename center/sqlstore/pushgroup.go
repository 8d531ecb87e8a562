package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// pushGroups applies halls' pushes on PostgreSQL several at a time (group commit). A push that
// arrives while fewer than groupAppliers groups are being applied is applied at once, alone; one
// that arrives while they all are waits in the queue, and the next applier to finish takes the
// queue — up to groupPushes pushes of different halls — and applies it in one transaction: the
// sites locked by one statement, the cases by one, each table written by one statement, one
// commit. At a city's busy hour (600 pushes a second on two cores, docs/performance.md) that is
// what keeps a push's round trips and commits from queueing the rest.
//
// A group means the same as its pushes applied one after another: each push takes its own
// hall's events after its own mark, and the pushes of a group touch different cases (a push
// that names a case another push of the group names, or a case handed to a town hall, whose
// changes are relayed under another site's lock, is applied alone after the group, as is the
// first push of a hall's new epoch, which registers it). If the group's transaction fails, each
// push is applied alone, so that one bad push fails alone.
type pushGroups struct {
	s       *Store
	mu      sync.Mutex
	queue   []*queuedPush
	running int          // appliers running
	grouped atomic.Int64 // pushes applied together so far
}

const (
	groupAppliers = 3    // groups applied at once, each in its own transaction and connection
	groupPushes   = 64   // the most pushes in a group
	groupEvents   = 4000 // the most events in a group, unless its one push has more
	groupTimeout  = time.Minute
)

// queuedPush is a push waiting in the queue for its group.
type queuedPush struct {
	*push
	ctx  context.Context // the request's: a push whose hall gave up is not applied
	done chan pushResult // buffered: the applier never waits for the request
}

type pushResult struct {
	reply wire.PushReply
	err   error
}

// apply applies p, alone or in a group, and returns its reply. If ctx ends first, it returns
// ctx's error; p may still be applied, which the hall's next push sees in its reply.
func (g *pushGroups) apply(ctx context.Context, p *push) (wire.PushReply, error) {
	q := &queuedPush{push: p, ctx: ctx, done: make(chan pushResult, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, q)
	if g.running < groupAppliers {
		g.running++
		go g.run(context.WithoutCancel(ctx))
	}
	g.mu.Unlock()
	select {
	case r := <-q.done:
		return r.reply, r.err
	case <-ctx.Done():
		return wire.PushReply{}, ctx.Err()
	}
}

// run applies groups from the queue until it is empty.
func (g *pushGroups) run(base context.Context) {
	for {
		group := g.take()
		if len(group) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(base, groupTimeout)
		g.grouped.Add(int64(g.s.applyGroup(ctx, group)))
		cancel()
	}
}

// take removes the next group from the queue: pushes of different halls, in arrival order, whose
// requests are still waiting. It returns nil, and counts this applier out, when none is left.
func (g *pushGroups) take() []*queuedPush {
	g.mu.Lock()
	defer g.mu.Unlock()
	var group []*queuedPush
	sites := map[int64]bool{}
	events := 0
	rest := g.queue[:0]
	for _, q := range g.queue {
		switch {
		case q.ctx.Err() != nil:
			q.done <- pushResult{err: q.ctx.Err()}
		case len(group) < groupPushes && !sites[q.site] && (len(group) == 0 || events+len(q.events) <= groupEvents):
			group = append(group, q)
			sites[q.site] = true
			events += len(q.events)
		default:
			rest = append(rest, q)
		}
	}
	clear(g.queue[len(rest):])
	g.queue = rest
	if len(group) == 0 {
		g.running--
	}
	return group
}

// applyGroup applies the pushes of group, together when it can, and answers each. It returns
// how many it applied together.
func (s *Store) applyGroup(ctx context.Context, group []*queuedPush) (together int) {
	alone := func(q *queuedPush) {
		reply, err := s.applyAlone(ctx, q.push)
		q.done <- pushResult{reply, err}
	}
	if len(group) == 1 {
		alone(group[0])
		return 0
	}
	var results map[*queuedPush]pushResult
	var later []*queuedPush
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		results, later = map[*queuedPush]pushResult{}, nil
		var err error
		later, err = s.applyTogether(ctx, tx, group, results)
		return err
	})
	if err != nil {
		for _, q := range group {
			alone(q)
		}
		return 0
	}
	for q, r := range results {
		q.done <- r
		if r.err == nil {
			together++
		}
	}
	for _, q := range later {
		alone(q)
	}
	return together
}

// pushLock is what the group's lock statement read of a site.
type pushLock struct {
	hwm   int64
	epoch *siteEpoch // the site's record of the push's epoch, nil if none
}

// applyTogether applies group in tx, putting each push's reply (or refusal) in results, and
// returns the pushes it left to be applied alone after tx commits.
func (s *Store) applyTogether(ctx context.Context, tx *sql.Tx, group []*queuedPush, results map[*queuedPush]pushResult) (later []*queuedPush, err error) {
	locks, err := s.lockPushes(ctx, tx, group)
	if err != nil {
		return nil, err
	}
	type ready struct {
		q     *queuedPush
		hwm   int64
		run   []center.Decoded
		codes []string
	}
	var rs []ready
	claimed := map[string]bool{}
	var codes []string
	sites := []int64{}
	for _, q := range group {
		l, ok := locks[q.site]
		if !ok {
			results[q] = pushResult{err: app.Errorf(app.ENOTFOUND, "no such site")}
			continue
		}
		if l.epoch == nil && q.req.Epoch != "" && len(q.req.Events) > 0 {
			later = append(later, q) // its epoch is new: registerEpoch
			continue
		}
		if err := s.checkEpoch(ctx, tx, q.site, l.hwm, q.req, l.epoch); err != nil {
			if app.ErrorCode(err) != app.EEPOCHBEHIND {
				return nil, err
			}
			results[q] = pushResult{err: err}
			continue
		}
		run := contiguous(q.events, l.hwm)
		own := center.CaseCodes(run)
		if slices.ContainsFunc(own, func(c string) bool { return claimed[c] }) {
			later = append(later, q)
			continue
		}
		for _, c := range own {
			claimed[c] = true
		}
		codes = append(codes, own...)
		sites = append(sites, q.site)
		rs = append(rs, ready{q: q, hwm: l.hwm, run: run, codes: own})
	}
	cases := map[string]*center.CaseState{}
	if err := s.loadCases(ctx, tx, codes, cases); err != nil {
		return nil, err
	}
	pending, err := s.loadPendingOf(ctx, tx, sites, codes)
	if err != nil {
		return nil, err
	}
	var w writes
	now := s.now().UnixMicro()
	for _, r := range rs {
		own := map[string]*center.CaseState{}
		handed := false
		for _, c := range r.codes {
			if cs := cases[c]; cs != nil {
				own[c] = cs
				handed = handed || cs.WorkerSite != 0
			}
		}
		if handed {
			later = append(later, r.q) // its changes are relayed under another site's lock
			continue
		}
		var pend []*center.Pending
		for _, pd := range pending[r.q.site] {
			if slices.Contains(r.codes, pd.Code) {
				pend = append(pend, pd)
			}
		}
		results[r.q] = pushResult{reply: w.project(r.q.push, r.hwm, r.run, own, pend, now)}
	}
	return later, s.write(ctx, tx, &w)
}

// lockPushes locks the rows of the group's sites, in id order so that groups do not deadlock,
// and reads each one's mark and its record of the push's epoch, in one statement (PostgreSQL).
func (s *Store) lockPushes(ctx context.Context, tx *sql.Tx, group []*queuedPush) (map[int64]pushLock, error) {
	ids, epochs := make([]int64, len(group)), make([]string, len(group))
	for i, q := range group {
		ids[i], epochs[i] = q.site, q.req.Epoch
	}
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.applied_through, e.legacy_through, e.recovered_through
		FROM sites s JOIN unnest($1::bigint[], $2::text[]) AS r(id, epoch) ON r.id = s.id
		LEFT JOIN site_epochs e ON e.site_id = s.id AND e.epoch = r.epoch
		ORDER BY s.id FOR UPDATE OF s`, ids, epochs)
	if err != nil {
		return nil, dbErr("lock sites", err)
	}
	defer rows.Close()
	locks := map[int64]pushLock{}
	for rows.Next() {
		var id int64
		var l pushLock
		var legacy, recovered sql.NullInt64
		if err := rows.Scan(&id, &l.hwm, &legacy, &recovered); err != nil {
			return nil, dbErr("lock sites", err)
		}
		if legacy.Valid {
			l.epoch = &siteEpoch{legacyThrough: legacy.Int64, recoveredThrough: recovered.Int64}
		}
		locks[id] = l
	}
	return locks, dbErr("lock sites", rows.Err())
}

// loadPendingOf reads the changes of the sites to the given cases whose echo has not arrived,
// by site in seq order.
func (s *Store) loadPendingOf(ctx context.Context, tx *sql.Tx, sites []int64, codes []string) (map[int64][]*center.Pending, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(sites)+len(codes))
	for _, id := range sites {
		args = append(args, id)
	}
	for _, c := range codes {
		args = append(args, c)
	}
	rows, err := tx.QueryContext(ctx, s.rebind(`SELECT site_id, seq, code, kind, status, note, by_name FROM changes
		WHERE site_id IN `+inList(len(sites))+` AND echo_event IS NULL AND code IN `+inList(len(codes))+`
		ORDER BY site_id, seq`), args...)
	if err != nil {
		return nil, dbErr("load pending changes", err)
	}
	defer rows.Close()
	out := map[int64][]*center.Pending{}
	for rows.Next() {
		pd := &center.Pending{}
		var site int64
		var status string
		if err := rows.Scan(&site, &pd.Seq, &pd.Code, &pd.Kind, &status, &pd.Note, &pd.By); err != nil {
			return nil, dbErr("load pending changes", err)
		}
		pd.Status = app.CaseStatus(status)
		out[site] = append(out[site], pd)
	}
	return out, dbErr("load pending changes", rows.Err())
}
