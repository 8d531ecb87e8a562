package center_test

import (
	"encoding/json"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// TestHandoverOwnership walks the ownership rule of handed-over cases (docs/sync.md, "Who owns a
// case") event by event: the site a case was handed to works it and its changes are relayed to
// the case's own site, whose follow-ups are relayed back; every other event naming another site's
// case is still refused.
func TestHandoverOwnership(t *testing.T) {
	const village, town, other = 1, 2, 3
	codes := map[string]string{}
	for _, n := range []string{"handed", "own", "escalated", "elsewhere"} {
		codes[n] = app.NewCaseCode()
	}
	states := func() map[string]*center.CaseState {
		mk := func(name string, owner app.Owner, worker int64) *center.CaseState {
			return &center.CaseState{Site: village, WorkerSite: worker,
				Case: app.Case{Code: codes[name], Service: "mediation", Status: app.CaseAccepted, Owner: owner}}
		}
		return map[string]*center.CaseState{
			codes["handed"]:    mk("handed", app.OwnerCentre, town),
			codes["own"]:       mk("own", app.OwnerHall, 0),
			codes["escalated"]: mk("escalated", app.OwnerCentre, 0),
			codes["elsewhere"]: mk("elsewhere", app.OwnerCentre, other),
		}
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	caseEvent := func(id int64, kind app.EventKind, name string, status app.CaseStatus, note string) center.Decoded {
		c := app.Case{Code: codes[name], Service: "mediation", Status: status, Owner: app.OwnerHall, UpdatedAt: at,
			History: []app.CaseEntry{{At: at, Kind: app.EntryStatus, Status: status, Note: note, By: "赵六"}}}
		ev := app.Event{ID: id, At: at, Kind: kind, Case: &c}
		body, _ := json.Marshal(ev)
		return center.Decoded{Event: wire.Event{ID: id, At: at, Kind: kind, Body: body}, Body: ev}
	}
	ticketEvent := func(id int64, name string) center.Decoded {
		ev := app.Event{ID: id, At: at, Kind: app.EventIssued, Ticket: &app.Ticket{ID: 7, Label: "D007", Service: "mediation",
			Status: app.TicketWaiting, CaseCode: codes[name], IssuedAt: at}}
		body, _ := json.Marshal(ev)
		return center.Decoded{Event: wire.Event{ID: id, At: at, Kind: ev.Kind, Body: body}, Body: ev}
	}
	tests := []struct {
		name    string
		site    int64
		pending []*center.Pending
		event   center.Decoded
		outcome string
		relay   string // the kind relayed to the case's other hall, if any
	}{
		{"the town hall echoes the handover", town, []*center.Pending{{Seq: 1, Kind: wire.ChangeHandover}},
			caseEvent(1, app.EventHandedOver, "handed", app.CaseAccepted, ""), center.OutcomeEcho, ""},
		{"the town hall changes the status", town, nil,
			caseEvent(2, app.EventCaseChanged, "handed", app.CaseAssigned, "分流"), center.OutcomeApplied, wire.ChangeStatus},
		{"the town hall adds a follow-up", town, nil,
			caseEvent(3, app.EventCaseNote, "handed", app.CaseAccepted, "电话联系"), center.OutcomeApplied, wire.ChangeFollowUp},
		{"the town hall escalates it again", town, nil,
			caseEvent(4, app.EventEscalated, "handed", app.CaseAccepted, ""), center.OutcomeRefused, ""},
		{"the town hall's ticket names it", town, nil, ticketEvent(5, "handed"), center.OutcomeRefused, ""},
		{"a session nobody sent", town, nil,
			caseEvent(6, app.EventSession, "handed", app.CaseAccepted, ""), center.OutcomeRefused, ""},
		{"the town changes a village case it was not handed", town, nil,
			caseEvent(7, app.EventCaseChanged, "own", app.CaseAssigned, ""), center.OutcomeRefused, ""},
		{"the town annotates a village case it was not handed", town, nil,
			caseEvent(8, app.EventCaseNote, "own", app.CaseAccepted, "x"), center.OutcomeRefused, ""},
		{"the town changes a case the centre works", town, nil,
			caseEvent(9, app.EventCaseChanged, "escalated", app.CaseAssigned, ""), center.OutcomeRefused, ""},
		{"the town changes a case handed to a third site", town, nil,
			caseEvent(10, app.EventCaseChanged, "elsewhere", app.CaseAssigned, ""), center.OutcomeRefused, ""},
		{"the third site changes its handed case", other, nil,
			caseEvent(11, app.EventCaseChanged, "elsewhere", app.CaseAssigned, ""), center.OutcomeApplied, wire.ChangeStatus},
		{"the village changes its handed case", village, nil,
			caseEvent(12, app.EventCaseChanged, "handed", app.CaseAssigned, ""), center.OutcomeRefused, ""},
		{"the village echoes a relayed change", village, []*center.Pending{{Seq: 4, Kind: wire.ChangeStatus, Status: app.CaseAssigned}},
			caseEvent(13, app.EventCaseChanged, "handed", app.CaseAssigned, ""), center.OutcomeEcho, ""},
		{"the village annotates its handed case", village, nil,
			caseEvent(14, app.EventCaseNote, "handed", app.CaseAccepted, "村里回访"), center.OutcomeApplied, wire.ChangeFollowUp},
		{"the town hall echoes a relayed follow-up", town, []*center.Pending{{Seq: 5, Kind: wire.ChangeFollowUp, Note: "村里回访", By: "赵六"}},
			caseEvent(18, app.EventCaseNote, "handed", app.CaseAccepted, "村里回访"), center.OutcomeEcho, ""},
		{"the village annotates its own case", village, nil,
			caseEvent(19, app.EventCaseNote, "own", app.CaseAccepted, "x"), center.OutcomeApplied, ""},
		{"the village echoes the acceptance", village, []*center.Pending{{Seq: 2, Kind: wire.ChangeEscalationAccepted}},
			caseEvent(15, app.EventEscalationAccepted, "escalated", app.CaseAccepted, ""), center.OutcomeEcho, ""},
		{"the village echoes a session", village, []*center.Pending{{Seq: 3, Kind: wire.ChangeSession}},
			caseEvent(16, app.EventSession, "escalated", app.CaseAccepted, ""), center.OutcomeEcho, ""},
		{"the village still works its own case", village, nil,
			caseEvent(17, app.EventCaseChanged, "own", app.CaseAssigned, ""), center.OutcomeApplied, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := center.NewProjection(tc.site)
			p.Cases = states()
			for _, pd := range tc.pending {
				pd.Code = tc.event.Body.Case.Code
			}
			p.Pending = tc.pending
			outcome, reason := p.Apply(tc.event)
			if outcome != tc.outcome {
				t.Fatalf("outcome %s (%s), want %s", outcome, reason, tc.outcome)
			}
			switch {
			case tc.relay == "" && len(p.Relays) > 0:
				t.Errorf("relayed %+v, want nothing", p.Relays)
			case tc.relay != "":
				want := int64(village) // from the site working the case to the one that opened it, and back
				if tc.site == village {
					want = town
				}
				if len(p.Relays) != 1 || p.Relays[0].Change.Kind != tc.relay || p.Relays[0].Site != want {
					t.Errorf("relays %+v, want one %s for site %d", p.Relays, tc.relay, want)
				}
			}
			if outcome == center.OutcomeRefused && len(p.Entries) > 0 {
				t.Errorf("a refused event added history %+v", p.Entries)
			}
		})
	}
}
