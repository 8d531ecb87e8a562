package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/store"
	"fengqiao/wire"
)

// forEachBackend runs test once on SQLite and once on PostgreSQL.
func forEachBackend(t *testing.T, test func(t *testing.T, s *sqlstore.Store)) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s, err := sqlstore.Open(context.Background(), b.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			test(t, s)
		})
	}
}

func addSite(t *testing.T, s *sqlstore.Store, name string) center.Site {
	t.Helper()
	_, hash := center.NewToken()
	site, err := s.AddSite(context.Background(), name, hash)
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// busyHall returns a hall with three visitors' tickets (three cases), one served and one case
// accepted.
func busyHall(t *testing.T) *store.Hall {
	t.Helper()
	ctx := context.Background()
	h := centertest.NewHall(t)
	var codes []string
	for i := range 3 {
		tk, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
			Visitor: &app.Visitor{IDNumber: centertest.IDNumber(i), Name: "张三", Phone: "13800138000"}})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, tk.CaseCode)
	}
	try(h.Call(ctx, 1)).must(t)
	try(h.Start(ctx, 1)).must(t)
	try(h.Complete(ctx, 1)).must(t)
	try(h.ChangeCase(ctx, codes[0], app.CaseChange{Status: app.CaseAccepted, Note: "受理"})).must(t)
	return h
}

// result lets a test check a (value, error) call inline: try(f()).must(t).
type result[T any] struct {
	v   T
	err error
}

func try[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) must(t testing.TB) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func stats(t *testing.T, s *sqlstore.Store, site int64) sqlstore.Stats {
	t.Helper()
	return try(s.Stats(context.Background(), site)).must(t)
}

func TestApplyBatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		site := addSite(t, s, "城关镇")
		evs := centertest.Outbox(t, h.DB(), 0)
		reply := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: evs})).must(t)
		last := evs[len(evs)-1].ID
		if reply.AppliedThrough != last || reply.Applied != len(evs) {
			t.Fatalf("reply = %+v, want through %d, %d applied", reply, last, len(evs))
		}
		st := stats(t, s, site.ID)
		if st.Events != int64(len(evs)) || st.Cases != 3 || st.Tickets != 3 || st.Refused != 0 {
			t.Fatalf("stats = %+v", st)
		}
		assertSameCases(t, h, s)

		var idNumber string
		c := firstCase(t, h)
		if err := s.DB().QueryRowContext(ctx, "SELECT id_number FROM cases WHERE code = $1", c.Code).Scan(&idNumber); err != nil {
			t.Fatal(err)
		}
		if idNumber != centertest.IDNumber(0) {
			t.Errorf("stored identity = %q, want the full ID number", idNumber)
		}
		got := try(s.Case(ctx, c.Code)).must(t)
		if got.Visitor == nil || got.Visitor.IDNumber == centertest.IDNumber(0) {
			t.Errorf("case visitor = %+v, want masked", got.Visitor)
		}
	})
}

func TestDuplicateAndReorderedBatches(t *testing.T) {
	tests := []struct {
		name  string
		order [][2]int // [from, to) indexes of the hall's events, sent in this order
	}{
		{"same batch twice", [][2]int{{0, 100}, {0, 100}}},
		{"reversed", [][2]int{{8, 100}, {4, 8}, {0, 4}, {4, 8}, {8, 100}}},
		{"overlapping", [][2]int{{0, 6}, {3, 9}, {2, 100}}},
		{"gap then fill", [][2]int{{0, 2}, {5, 100}, {2, 5}, {5, 100}}},
		{"everything twice in turn", [][2]int{{0, 3}, {0, 3}, {3, 100}, {3, 100}, {0, 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
				ctx := context.Background()
				h := busyHall(t)
				site := addSite(t, s, "城关镇")
				evs := centertest.Outbox(t, h.DB(), 0)
				for _, r := range tt.order {
					batch := evs[min(r[0], len(evs)):min(r[1], len(evs))]
					reply := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: batch})).must(t)
					if len(batch) > 0 && reply.AppliedThrough >= batch[0].ID-1 && reply.AppliedThrough < batch[len(batch)-1].ID {
						t.Fatalf("batch %v: applied through %d, want the whole contiguous batch", r, reply.AppliedThrough)
					}
				}
				st := stats(t, s, site.ID)
				if st.AppliedThrough != evs[len(evs)-1].ID || st.Events != int64(len(evs)) {
					t.Fatalf("stats = %+v, want all %d events once", st, len(evs))
				}
				assertSameCases(t, h, s)
			})
		})
	}
}

func TestMalformedBatchIsRefusedWhole(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(evs []wire.Event) []wire.Event
	}{
		{"ids not increasing", func(evs []wire.Event) []wire.Event { evs[2].ID = evs[1].ID; return evs }},
		{"no kind", func(evs []wire.Event) []wire.Event { evs[3].Kind = ""; return evs }},
		{"body not JSON", func(evs []wire.Event) []wire.Event { evs[3].Body = json.RawMessage(`{"kind":`); return evs }},
		{"ticket event without ticket", func(evs []wire.Event) []wire.Event {
			for i, e := range evs {
				if e.Kind == app.EventIssued {
					evs[i].Body = json.RawMessage(`{"id":0,"at":"2025-01-01T00:00:00Z","kind":"ticket.issued"}`)
					break
				}
			}
			return evs
		}},
		{"bad case code", func(evs []wire.Event) []wire.Event {
			var ev app.Event
			json.Unmarshal(evs[0].Body, &ev)
			ev.Case.Code = "0000-0000-0000-0000-0001"
			evs[0].Body, _ = json.Marshal(ev)
			return evs
		}},
		{"negative id", func(evs []wire.Event) []wire.Event { evs[0].ID = -1; return evs }},
		{"too many events", func(evs []wire.Event) []wire.Event {
			out := make([]wire.Event, wire.MaxBatch+1)
			for i := range out {
				out[i] = evs[len(evs)-1]
				out[i].ID = int64(i + 1)
			}
			return out
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
				h := busyHall(t)
				site := addSite(t, s, "城关镇")
				_, err := s.ApplyBatch(context.Background(), site.ID, wire.PushRequest{Events: tt.spoil(centertest.Outbox(t, h.DB(), 0))})
				if app.ErrorCode(err) != app.EINVALID {
					t.Fatalf("err = %v, want %s", err, app.EINVALID)
				}
				if st := stats(t, s, site.ID); st != (sqlstore.Stats{}) {
					t.Fatalf("stats = %+v, want nothing applied", st)
				}
			})
		})
	}
}

func TestOwnershipAndEscalation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		site := addSite(t, s, "城关镇")
		code := firstCase(t, h).Code
		push(t, s, site, h)

		// The hall owns the case: the centre may not change it.
		_, err := s.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解"})
		if app.ErrorCode(err) != app.ENOTOWNER {
			t.Fatalf("centre change of a hall case: err = %v, want %s", err, app.ENOTOWNER)
		}

		try(h.Escalate(ctx, code, "需中心研判", "窗口1")).must(t)
		push(t, s, site, h)
		c := try(s.Case(ctx, code)).must(t)
		if c.Owner != app.OwnerCentre {
			t.Fatalf("owner after escalation = %s", c.Owner)
		}
		c = try(s.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", By: "李四"})).must(t)
		if c.Status != app.CaseAssigned {
			t.Fatalf("status = %s", c.Status)
		}
		changes := try(s.Changes(ctx, site.ID, 0, 10)).must(t)
		if len(changes) != 1 || changes[0].Seq != 1 || changes[0].Change == nil || changes[0].Change.Status != app.CaseAssigned {
			t.Fatalf("changes = %+v", changes)
		}

		// A status change from the hall of a case the centre owns is kept but refused.
		forged := forgeChange(t, h, code, app.CaseClosed)
		reply := try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: []wire.Event{forged}})).must(t)
		if reply.Applied != 1 {
			t.Fatalf("reply = %+v", reply)
		}
		if st := stats(t, s, site.ID); st.Refused != 1 {
			t.Fatalf("refused = %d, want 1", st.Refused)
		}
		if c := try(s.Case(ctx, code)).must(t); c.Status != app.CaseAssigned {
			t.Fatalf("status after refused change = %s", c.Status)
		}
	})
}

func TestCentreChangesEchoOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		site := addSite(t, s, "城关镇")
		code := firstCase(t, h).Code
		try(h.Escalate(ctx, code, "", "")).must(t)
		try(h.AddFollowUp(ctx, code, "已电话联系", "王五")).must(t)
		push(t, s, site, h)

		try(s.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解"})).must(t)
		try(s.AddFollowUp(ctx, code, "中心已联系当事人", "李四")).must(t)
		// The hall applies the centre's changes (as hallsync does) and pushes its records of them.
		for _, ch := range try(s.Changes(ctx, site.ID, 0, 10)).must(t) {
			if ch.Change != nil {
				try(h.ApplyCentreChange(ctx, ch.Code, *ch.Change)).must(t)
			} else {
				try(h.AddFollowUp(ctx, ch.Code, ch.Note, ch.By)).must(t)
			}
		}
		push(t, s, site, h)
		assertSameCases(t, h, s)
		var echoes int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM events WHERE outcome = 'echo'").Scan(&echoes); err != nil {
			t.Fatal(err)
		}
		if echoes != 2 {
			t.Fatalf("echo events = %d, want 2", echoes)
		}
	})
}

func TestPullCursorUnderConcurrentWriters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		site := addSite(t, s, "城关镇")
		push(t, s, site, h)
		codes := caseCodes(t, h)

		const writers, each = 8, 40
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if _, err := s.AddFollowUp(ctx, codes[(w+i)%len(codes)], fmt.Sprintf("w%d-%d", w, i), "centre"); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(errs); close(done) }()

		seen := map[string]bool{}
		var cursor int64
		for finished := false; ; {
			select {
			case <-done:
				finished = true
			default:
			}
			page := try(s.Changes(ctx, site.ID, cursor, 7)).must(t)
			for _, c := range page {
				if c.Seq != cursor+1 {
					t.Fatalf("page after %d holds seq %d: a row was skipped", cursor, c.Seq)
				}
				if seen[c.Note] {
					t.Fatalf("change %q seen twice", c.Note)
				}
				seen[c.Note] = true
				cursor = c.Seq
			}
			if finished && len(page) == 0 {
				break
			}
		}
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != writers*each {
			t.Fatalf("pulled %d changes, want %d", len(seen), writers*each)
		}
	})
}

func TestReopenKeepsSchema(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			for range 2 {
				s, err := sqlstore.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// push sends the hall's whole outbox and checks that all of it is applied.
func push(t *testing.T, s *sqlstore.Store, site center.Site, h *store.Hall) {
	t.Helper()
	evs := centertest.Outbox(t, h.DB(), 0)
	reply := try(s.ApplyBatch(context.Background(), site.ID, wire.PushRequest{Events: evs})).must(t)
	if want := evs[len(evs)-1].ID; reply.AppliedThrough != want {
		t.Fatalf("applied through %d, want %d", reply.AppliedThrough, want)
	}
}

// forgeChange returns a case.changed event that no real hall would send: the next event id,
// claiming a status change of code.
func forgeChange(t *testing.T, h *store.Hall, code string, status app.CaseStatus) wire.Event {
	t.Helper()
	evs := centertest.Outbox(t, h.DB(), 0)
	c := try(h.Case(context.Background(), code)).must(t)
	c.Status = status
	c.History = append(c.History, app.CaseEntry{At: c.UpdatedAt, Kind: app.EntryStatus, Status: status, By: "hall"})
	body, _ := json.Marshal(app.Event{At: c.UpdatedAt, Kind: app.EventCaseChanged, Case: &c})
	last := evs[len(evs)-1]
	return wire.Event{ID: last.ID + 1, At: last.At, Kind: app.EventCaseChanged, Body: body}
}

func caseCodes(t *testing.T, h *store.Hall) []string {
	t.Helper()
	rows, err := h.DB().Reader().Query("SELECT code FROM cases ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	return codes
}

func firstCase(t *testing.T, h *store.Hall) app.Case {
	t.Helper()
	return try(h.Case(context.Background(), caseCodes(t, h)[0])).must(t)
}

// assertSameCases checks that the centre holds every case of the hall with the same status,
// owner and history (as a multiset: the two sides may interleave entries differently).
func assertSameCases(t *testing.T, h *store.Hall, s *sqlstore.Store) {
	t.Helper()
	for _, code := range caseCodes(t, h) {
		hc := try(h.Case(context.Background(), code)).must(t)
		cc := try(s.Case(context.Background(), code)).must(t)
		if hc.Status != cc.Status || hc.Owner != cc.Owner {
			t.Errorf("case %s: hall %s/%s, centre %s/%s", code, hc.Status, hc.Owner, cc.Status, cc.Owner)
		}
		if a, b := entryBag(hc.History), entryBag(cc.History); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("case %s history:\nhall   %v\ncentre %v", code, a, b)
		}
	}
}

func entryBag(es []app.CaseEntry) map[string]int {
	m := map[string]int{}
	for _, e := range es {
		m[fmt.Sprintf("%s/%s/%s/%s", e.Kind, e.Status, e.Note, e.By)]++
	}
	return m
}
