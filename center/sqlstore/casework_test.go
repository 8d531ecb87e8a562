package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestCaseWorkspace works an escalated case through the centre's workspace and checks the case,
// the list's filters and the changes log the origin hall pulls.
func TestCaseWorkspace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		village := addSite(t, s, "东村")
		town := addSite(t, s, "镇大厅")
		codes := caseCodes(t, h)
		code := codes[0] // accepted at the hall
		try(h.Escalate(ctx, code, "需镇级调处", "窗口1")).must(t)
		push(t, s, village, h)
		now := time.Now()
		all := center.Scope{}

		list := func(f center.CaseFilter) []string {
			t.Helper()
			f.Services = app.DefaultServices()
			var out []string
			for _, r := range try(s.ListCases(ctx, all, f, now)).must(t).Rows {
				out = append(out, r.Code)
			}
			return out
		}
		if got := list(center.CaseFilter{Escalated: center.EscalatedInbox}); len(got) != 1 || got[0] != code {
			t.Fatalf("inbox = %v, want [%s]", got, code)
		}
		if got := list(center.CaseFilter{Escalated: center.EscalatedNone}); len(got) != 2 {
			t.Fatalf("not escalated = %v, want 2 cases", got)
		}
		if got := list(center.CaseFilter{Site: town.ID, Town: town.ID}); len(got) != 1 || got[0] != code {
			t.Fatalf("under the town = %v, want the escalated case", got)
		}
		if got := list(center.CaseFilter{Origin: village.ID}); len(got) != 3 {
			t.Fatalf("by origin = %v, want 3", got)
		}

		// Work it: accept, assign, a session, close; then a follow-up.
		if _, err := s.RecordSession(ctx, code, app.MediationSession{Date: "2026-12-01", Mediator: "王调解", Outcome: "达成协议"}); app.ErrorCode(err) != app.ETRANSITION {
			t.Fatalf("session before assigning: err = %v, want transition", err)
		}
		try(s.AcceptEscalation(ctx, code, "李四")).must(t)
		if _, err := s.AcceptEscalation(ctx, code, "李四"); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("second acceptance: err = %v, want conflict", err)
		}
		try(s.WorkChange(ctx, code, app.CaseChange{Status: app.CaseAssigned, Level: "人民调解", Unit: "司法所", By: "李四"})).must(t)
		session := app.MediationSession{Date: "2026-12-01", Mediator: "王调解", Parties: "双方到场", Outcome: "达成协议", By: "李四"}
		try(s.RecordSession(ctx, code, session)).must(t)
		c := try(s.WorkChange(ctx, code, app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved, By: "李四"})).must(t)
		if c.Status != app.CaseClosed || c.Unit != "司法所" || c.Handling != app.HandlingMediation {
			t.Fatalf("case = %+v", c.Case)
		}
		try(s.AddFollowUp(ctx, code, "回访结果：满意", "李四")).must(t)
		if got := list(center.CaseFilter{Escalated: center.EscalatedInbox}); len(got) != 0 {
			t.Fatalf("inbox after acceptance = %v", got)
		}
		if got := list(center.CaseFilter{Stage: center.StageDone, Escalated: center.EscalatedAny}); len(got) != 1 {
			t.Fatalf("closed escalated = %v", got)
		}
		w := try(s.CaseWork(ctx, code)).must(t)
		if w.EscAccepted == nil || w.Escalated == nil || w.Owner != app.OwnerCentre || w.Site != village.ID {
			t.Fatalf("work = %+v", w)
		}

		// The village pulls each step, in order, as its documented kind.
		var kinds []string
		for _, ch := range try(s.Changes(ctx, village.ID, 0, 100)).must(t) {
			kinds = append(kinds, ch.Kind)
			if ch.Kind == wire.ChangeSession && (ch.Session == nil || *ch.Session != session) {
				t.Fatalf("session change = %+v", ch.Session)
			}
			if ch.Kind == wire.ChangeStatus && ch.Change == nil {
				t.Fatalf("status change without its change: %+v", ch)
			}
		}
		want := []string{wire.ChangeEscalationAccepted, wire.ChangeStatus, wire.ChangeStatus, wire.ChangeSession,
			wire.ChangeStatus, wire.ChangeFollowUp}
		if len(kinds) != len(want) {
			t.Fatalf("changes = %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("changes = %v, want %v", kinds, want)
			}
		}
		hist := map[string]int{}
		for _, e := range c.History {
			hist[e.Kind]++
		}
		if hist[app.EntryEscalationAccepted] != 1 || hist[app.EntrySession] != 1 {
			t.Fatalf("history kinds = %v", hist)
		}
	})
}

// TestHandOverAndReferral hands an accepted escalation to the town hall, which gets the case in its
// own changes log, and refers another with a deadline.
func TestHandOverAndReferral(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		village := addSite(t, s, "东村")
		town := addSite(t, s, "镇大厅")
		codes := caseCodes(t, h)
		for _, c := range codes[:2] {
			try(h.Escalate(ctx, c, "", "")).must(t)
		}
		push(t, s, village, h)
		if _, err := s.Handover(ctx, codes[0], town.Name, "李四"); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("hand over before acceptance: err = %v, want conflict", err)
		}
		try(s.AcceptEscalation(ctx, codes[0], "李四")).must(t)
		try(s.Handover(ctx, codes[0], town.Name, "李四")).must(t)
		got := try(s.Changes(ctx, town.ID, 0, 10)).must(t)
		if len(got) != 1 || got[0].Kind != wire.ChangeHandover || got[0].Case == nil || got[0].Case.Code != codes[0] ||
			got[0].Case.Visitor == nil || len(got[0].Case.History) == 0 {
			t.Fatalf("town's changes = %+v", got)
		}
		if v := got[0].Case.Visitor; v.IDNumber == "" || strings.Count(v.IDNumber, "*") == 0 {
			t.Fatalf("the handed case's visitor is not masked: %+v", v)
		}
		if w := try(s.CaseWork(ctx, codes[0])).must(t); w.WorkerSite != town.ID {
			t.Fatalf("worker site = %d, want %d", w.WorkerSite, town.ID)
		}
		rows := try(s.ListCases(ctx, center.Scope{Site: town.ID}, center.CaseFilter{}, time.Now())).must(t).Rows
		if len(rows) != 1 || rows[0].Code != codes[0] {
			t.Fatalf("the town hall's staff see %v, want the handed-over case", rows)
		}

		// The second case is still 登记 at the hall: accepting the escalation accepts it too.
		c := try(s.AcceptEscalation(ctx, codes[1], "李四")).must(t)
		if c.Status != app.CaseAccepted {
			t.Fatalf("status = %s", c.Status)
		}
		try(s.WorkChange(ctx, codes[1], app.CaseChange{Status: app.CaseAssigned, Level: "人民调解", Unit: "镇调委会"})).must(t)
		if _, err := s.WorkChange(ctx, codes[1], app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral,
			Department: "国土所", Deadline: "12-31"}); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("bad deadline: err = %v", err)
		}
		try(s.WorkChange(ctx, codes[1], app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral,
			Department: "国土所", Deadline: "2026-12-31"})).must(t)
		if w := try(s.CaseWork(ctx, codes[1])).must(t); w.Deadline != "2026-12-31" {
			t.Fatalf("deadline = %q", w.Deadline)
		}
		last := try(s.Changes(ctx, village.ID, 0, 100)).must(t)
		if ch := last[len(last)-1]; ch.Change == nil || ch.Change.Deadline != "2026-12-31" {
			t.Fatalf("referral change = %+v", ch)
		}
	})
}

// TestSearchParty finds a party's cases by full name or ID number, masked, within the scope.
func TestSearchParty(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		village := addSite(t, s, "东村")
		other := addSite(t, s, "西村")
		push(t, s, village, h)
		rows := try(s.SearchParty(ctx, center.Scope{}, "张三")).must(t)
		if len(rows) != 3 || rows[0].MaskedName == "张三" || rows[0].MaskedName == "" {
			t.Fatalf("by name: %+v", rows)
		}
		id := centertest.IDNumber(1)
		rows = try(s.SearchParty(ctx, center.Scope{}, id)).must(t)
		if len(rows) != 1 || rows[0].MaskedID == id || rows[0].MaskedID == "" {
			t.Fatalf("by ID number: %+v", rows)
		}
		if rows := try(s.SearchParty(ctx, center.Scope{Site: other.ID}, "张三")).must(t); len(rows) != 0 {
			t.Fatalf("another site's staff found %d cases", len(rows))
		}
		if rows := try(s.SearchParty(ctx, center.Scope{}, "张")).must(t); len(rows) != 0 {
			t.Fatalf("a part of a name found %d cases", len(rows))
		}
	})
}

// TestCaseListPages pages through the list one case at a time: every case once, newest first.
func TestCaseListPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		h := busyHall(t)
		push(t, s, addSite(t, s, "东村"), h)
		var seen []center.CaseListRow
		f := center.CaseFilter{Limit: 1}
		for range 10 {
			page := try(s.ListCases(ctx, center.Scope{}, f, time.Now())).must(t)
			seen = append(seen, page.Rows...)
			if page.Next == nil {
				break
			}
			f.After = page.Next
		}
		if len(seen) != 3 {
			t.Fatalf("paged through %d cases, want 3", len(seen))
		}
		for i := 1; i < len(seen); i++ {
			a, b := seen[i-1], seen[i]
			if a.OpenedAt.Before(b.OpenedAt) || a.OpenedAt.Equal(b.OpenedAt) && a.Code <= b.Code {
				t.Fatalf("page %d (%s %s) is not older than page %d (%s %s)", i+1, b.OpenedAt, b.Code, i, a.OpenedAt, a.Code)
			}
		}
	})
}
