package sqlstore_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center/centertest"
	"fengqiao/center/citysim"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestGroupedPushesMatchOneByOne feeds the same rounds of pushes to two PostgreSQL databases:
// to one as groups of the push queue (every hall's push of a round in one group), to the other
// one push after another. Every reply, and every table the sync writes, must come out the same.
// The rounds have what groups must handle: resent events (duplicates), gaps, a hall's first push
// under its epoch and a hall without epochs, two sites pushing the same cases (the second's
// refused), a site that does not exist, cases the centre changes and hands to a town hall
// between rounds, and a hall whose epoch another hall's push overlaps.
func TestGroupedPushesMatchOneByOne(t *testing.T) {
	ctx := context.Background()
	open := func() *sqlstore.Store {
		s, err := sqlstore.Open(ctx, centertest.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	grouped, alone := open(), open()
	const halls = 12
	var sites []int64
	for i := range halls {
		a, b := addSite(t, grouped, fmt.Sprintf("hall-%d", i)), addSite(t, alone, fmt.Sprintf("hall-%d", i))
		if a.ID != b.ID {
			t.Fatalf("site %d has id %d and %d", i, a.ID, b.ID)
		}
		sites = append(sites, a.ID)
	}
	sims := make([]*citysim.Hall, halls)
	for i := range halls {
		sims[i] = citysim.NewHall(uint64(100+i), 0)
	}
	rng := rand.New(rand.NewPCG(7, 21))
	made := make([][]wire.Event, halls) // every event each hall made
	acked := make([]int64, halls)       // how far each hall's events were applied
	at := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	grouped.SetClock(clock)
	alone.SetClock(clock)
	together, pushes := 0, 0
	for round := range 80 {
		var ids []int64
		var reqs []wire.PushRequest
		var who []int
		for i := range halls {
			if rng.IntN(5) == 0 {
				continue // quiet this round
			}
			if i == halls-1 {
				made[i] = made[i-1] // the same events as the hall before: its cases, refused
			} else {
				made[i] = append(made[i], sims[i].Events(1+rng.IntN(12), at)...)
			}
			events := made[i][acked[i]:]
			switch rng.IntN(8) {
			case 0: // resent: some applied before
				events = made[i][max(0, acked[i]-3):]
			case 1: // the first lost on the way: a gap, the rest wait
				events = events[min(1, len(events)):]
			}
			req := wire.PushRequest{Events: events, Backlog: int64(len(made[i])) - acked[i], Epoch: fmt.Sprintf("epoch-%d", i)}
			if i == 3 {
				req.Epoch = "" // a hall from before epochs
			}
			if i == 5 && round == 40 {
				req.Epoch = "epoch-5-restored" // restored: its events overlap those of its old epoch
				req.Events = made[i][max(0, acked[i]-2):]
			}
			ids, reqs, who = append(ids, sites[i]), append(reqs, req), append(who, i)
		}
		ids, reqs, who = append(ids, 999999), append(reqs, wire.PushRequest{Epoch: "nowhere"}), append(who, -1)
		replies, errs, n := grouped.ApplyGroup(ctx, ids, reqs)
		together, pushes = together+n, pushes+len(ids)
		for k := range ids {
			want, werr := alone.ApplyBatch(ctx, ids[k], reqs[k])
			if app.ErrorCode(errs[k]) != app.ErrorCode(werr) || (errs[k] == nil) != (werr == nil) {
				t.Fatalf("round %d, site %d: grouped error %v, alone %v", round, ids[k], errs[k], werr)
			}
			if replies[k] != want {
				t.Fatalf("round %d, site %d: grouped reply %+v, alone %+v", round, ids[k], replies[k], want)
			}
			if i := who[k]; i >= 0 && errs[k] == nil {
				acked[i] = replies[k].AppliedThrough
			}
		}
		if round%4 == 3 {
			for _, s := range []*sqlstore.Store{grouped, alone} {
				centreChanges(t, s, round)
			}
		}
		at = at.Add(time.Duration(1+rng.IntN(30)) * time.Hour)
	}
	if together < pushes/2 {
		t.Errorf("%d of %d pushes applied in groups; want most", together, pushes)
	}
	t.Logf("%d of %d pushes applied in groups", together, pushes)
	for _, q := range syncTables {
		g, a := dump(t, grouped, q), dump(t, alone, q)
		if len(a) == 0 && !strings.Contains(q, "site_epochs") {
			t.Errorf("%s: no rows", q)
		}
		if !slices.Equal(g, a) {
			for i := range min(len(g), len(a)) {
				if g[i] != a[i] {
					t.Errorf("%s: grouped row %d is %s, alone %s", q, i, g[i], a[i])
					break
				}
			}
			t.Errorf("%s: %d rows grouped, %d alone", q, len(g), len(a))
		}
	}
}

// syncTables are the rows the sync writes, without the ids and times of arrival, which differ.
var syncTables = []string{
	`SELECT code, site_id, service, category, status, owner, unit, level, handling, department, summary, result,
		follow_up_on, opened_at, updated_at, closed_at, masked_name, worker_site_id, source, risk, grid_id, parties,
		escalated, accepted_at FROM cases ORDER BY code`,
	`SELECT code, at, kind, status, note, by_name, origin, event_id, seq FROM case_entries
		ORDER BY code, at, event_id, kind, status, note, seq`,
	`SELECT site_id, ticket_id, day, label, service, status, window_id, case_code, issued_at, called_at, started_at,
		completed_at FROM tickets ORDER BY site_id, ticket_id`,
	`SELECT site_id, event_id, at, kind, outcome, reason, epoch FROM events ORDER BY site_id, event_id`,
	`SELECT site_id, event_id, kind, reason FROM refused_events ORDER BY site_id, event_id`,
	`SELECT id, applied_through, backlog, last_seq, last_push_at FROM sites ORDER BY id`,
	`SELECT site_id, seq, code, kind, status, note, echo_event FROM changes ORDER BY site_id, seq`,
	`SELECT site_id, epoch, legacy_through, recovered_through FROM site_epochs ORDER BY site_id, epoch`,
	`SELECT site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id, n
		FROM ledger_counts ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`,
}

// dump returns the rows of q, each as text.
func dump(t *testing.T, s *sqlstore.Store, q string) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// centreChanges has the centre move some escalated cases on a stage and hand some to hall-0 (a
// town hall working them), the same in every store: chosen by code and round, not by order.
func centreChanges(t *testing.T, s *sqlstore.Store, round int) {
	t.Helper()
	ctx := context.Background()
	var codes, statuses []string
	rows, err := s.DB().QueryContext(ctx, `SELECT code, status FROM cases
		WHERE owner = 'centre' AND status NOT IN ('closed', 'rejected') ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c, st string
		if err := rows.Scan(&c, &st); err != nil {
			t.Fatal(err)
		}
		codes, statuses = append(codes, c), append(statuses, st)
	}
	rows.Close()
	for i, code := range codes {
		h := fnv.New32a()
		fmt.Fprintf(h, "%s/%d", code, round)
		switch h.Sum32() % 4 {
		case 0:
			ch, ok := map[string]app.CaseChange{
				"registered": {Status: app.CaseAccepted},
				"accepted":   {Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解"},
				"assigned":   {Status: app.CaseHandling, Handling: "mediation"},
				"assessing":  {Status: app.CaseHandling, Handling: "mediation"},
			}[statuses[i]]
			if !ok {
				ch = app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved}
			}
			ch.Note = "中心办理"
			if _, err := s.ChangeCase(ctx, code, ch); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				t.Fatalf("change %s: %v", code, err)
			}
		case 1:
			if _, err := s.Handover(ctx, code, "hall-0", "中心"); err != nil && app.ErrorCode(err) == "" {
				t.Fatalf("hand %s over: %v", code, err)
			}
		}
	}
}

// TestPushQueueExactlyOnce has forty halls push at once through ApplyBatch, each resending what
// was not acknowledged and half of them from two connections at once, so that pushes queue and
// are grouped; every event must be applied once, in order, and the ledger must match the rows.
func TestPushQueueExactlyOnce(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, centertest.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const halls, rounds = 40, 25
	var wg sync.WaitGroup
	errs := make(chan error, halls*2)
	made := make([][]wire.Event, halls)
	sites := make([]int64, halls)
	at := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC)
	for i := range halls {
		sites[i] = addSite(t, s, fmt.Sprintf("hall-%d", i)).ID
		made[i] = citysim.NewHall(uint64(i), 0).Events(rounds*8, at)
	}
	for i := range halls {
		senders := 1 + i%2
		for range senders {
			wg.Go(func() {
				var acked int64
				for r := range rounds {
					upto := min(len(made[i]), (r+1)*len(made[i])/rounds)
					req := wire.PushRequest{Events: made[i][min(acked, int64(upto)):upto], Epoch: "e"}
					if len(req.Events) == 0 {
						continue
					}
					reply, err := s.ApplyBatch(ctx, sites[i], req)
					if err != nil {
						errs <- fmt.Errorf("hall %d round %d: %w", i, r, err)
						return
					}
					acked = reply.AppliedThrough
				}
				if acked != int64(len(made[i])) {
					errs <- fmt.Errorf("hall %d: applied through %d of %d", i, acked, len(made[i]))
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, id := range sites {
		var n, lo, hi int64
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*), min(event_id), max(event_id) FROM events WHERE site_id = $1",
			id).Scan(&n, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if want := int64(len(made[i])); n != want || lo != 1 || hi != want {
			t.Errorf("hall %d: %d events stored, ids %d to %d; want %d, 1 to %d", i, n, lo, hi, want, want)
		}
	}
	if s.GroupedPushes() == 0 {
		t.Error("no push was applied in a group")
	}
	t.Logf("%d pushes applied in groups", s.GroupedPushes())
	if changed, err := s.RebuildLedger(ctx, 8*3600); err != nil || changed != 0 {
		t.Errorf("ledger rebuild corrected %d counts (%v); want none", changed, err)
	}
}
