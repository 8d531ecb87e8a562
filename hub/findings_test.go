package hub_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
)

// idAged returns a valid ID number of someone born in the given year.
func idAged(year string) string {
	id := "330681" + year + "01011237"
	return id[:17] + string(app.IDCheckChar(id[:17]))
}

func TestPriorityNeedsItsBasis(t *testing.T) {
	srv, _ := newHub(t)
	old := idAged("1940")
	tests := []struct {
		name, body string
		status     int
		basis      string
		verified   bool
	}{
		{"card-read elderly", `{"service":"legal","source":"card","visitor":{"id_number":"` + old + `"}}`, 201, app.BasisIDCard, true},
		{"typed elderly is unverified", `{"service":"hotline","visitor":{"id_number":"` + old + `"}}`, 201, app.BasisIDTyped, false},
		{"elderly claimed without an ID", `{"service":"legal","priority":"elderly"}`, 400, "", false},
		{"elderly claimed by a young ID", `{"service":"legal","priority":"elderly","visitor":{"id_number":"` + idAged("1990") + `"}}`, 400, "", false},
		{"pregnant is self-declared", `{"service":"mediation","priority":"pregnant"}`, 201, app.BasisDeclared, false},
		{"kiosk cannot grant staff priority", `{"service":"legal","priority":"staff"}`, 400, "", false},
	}
	for _, tt := range tests {
		r := call(t, srv, "POST", "/api/v1/tickets", kiosk, tt.body)
		var tk app.Ticket
		json.Unmarshal([]byte(r.body), &tk)
		if r.status != tt.status || tk.PriorityBasis != tt.basis || tk.PriorityVerified != tt.verified {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	// Staff confirm the typed ID's priority at the window.
	sess := signIn(t, srv, 1, "王芳")
	call(t, srv, "POST", "/api/v1/windows/1/call-number", window, `{"label":"C001"}`, hub.SessionHeader, sess)
	r := call(t, srv, "POST", "/api/v1/windows/1/confirm-priority", window, "", hub.SessionHeader, sess)
	if r.status != 200 || !strings.Contains(r.body, `"priority_verified":true`) {
		t.Errorf("confirm priority: %d %s", r.status, r.body)
	}
}

func TestTypedInputLimits(t *testing.T) {
	srv, _ := newHub(t)
	id := idAged("1980")
	bad := []struct{ name, visitor string }{
		{"20,000-character name", `"name":"` + strings.Repeat("张", 20000) + `"`},
		{"16-character Chinese name", `"name":"` + strings.Repeat("张", 16) + `"`},
		{"60,000-character phone", `"phone":"` + strings.Repeat("1", 60000) + `"`},
		{"name with a newline and a BEL", `"name":"张三\n\u0007"`},
		{"phone with letters", `"phone":"1381234567x"`},
	}
	for _, b := range bad {
		r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal","visitor":{"id_number":"`+id+`",`+b.visitor+`}}`)
		if r.status != 400 && r.status != 413 {
			t.Errorf("%s: %d %.200s", b.name, r.status, r.body)
		}
	}
	good := `{"service":"legal","visitor":{"id_number":"` + id + `","name":"𠀀𠀁张三","phone":"0575-87001234"}}`
	if r := call(t, srv, "POST", "/api/v1/tickets", kiosk, good); r.status != 201 {
		t.Errorf("Extension B name and landline refused: %d %s", r.status, r.body)
	}
	var tk app.Ticket
	r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"petition"}`)
	json.Unmarshal([]byte(r.body), &tk)
	sess := signIn(t, srv, 1, "王芳")
	call(t, srv, "POST", "/api/v1/windows/1/call-number", window, `{"label":"`+tk.Label+`"}`, hub.SessionHeader, sess)
	long := `{"note":"` + strings.Repeat("记", 2001) + `"}`
	if r := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/followups", window, long, hub.SessionHeader, sess); r.status != 400 {
		t.Errorf("2,001-character note: %d", r.status)
	}
	if r := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/followups", window, `{"note":"已电话回访","by":"冒名"}`, hub.SessionHeader, sess); r.status != 200 || !strings.Contains(r.body, `"by":"王芳"`) {
		t.Errorf("follow-up: %d %s", r.status, r.body)
	}
}

func TestEveryErrorIsJSON(t *testing.T) {
	srv, _ := newHub(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/nope", 404, "not_found"},
		{"GET", "/api/v1/nope", 404, "not_found"},
		{"DELETE", "/api/v1/queue", 405, "method_not_allowed"},
		{"GET", "/api/v1/tickets", 405, "method_not_allowed"},
		{"GET", "/api/v1/../v1/queue", 400, app.EINVALID},
		{"GET", "/api/v1//queue", 400, app.EINVALID},
	}
	for _, tt := range tests {
		got, code := status(t, srv, tt.method, tt.path, display, "")
		if got != tt.status || code != tt.code {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, got, code, tt.status, tt.code)
		}
	}
	if r := call(t, srv, "POST", "/api/v1/help", kiosk, `{"source":"`+strings.Repeat("x", 9000)+`"}`); r.status != 413 || !strings.Contains(r.body, `"code":"too_large"`) {
		t.Errorf("oversized body: %d %.100s", r.status, r.body)
	}
}

func TestProjectionPerRole(t *testing.T) {
	now := time.Now()
	visitor := &app.MaskedVisitor{Name: "张*丰", IDNumber: "3306**********1237"}
	tk := &app.Ticket{ID: 7, Label: "B001", Service: "legal", Window: 2, CaseCode: "5CD5-S8E1", Category: "邻里纠纷",
		Priority: app.PriorityElderly, PriorityBasis: app.BasisIDTyped}
	kase := &app.Case{Code: "5CD5-S8E1", Summary: "邻居噪音", Visitor: visitor,
		History: []app.CaseEntry{{Note: "已调解", By: "王芳"}}}
	badge := &app.StaffBadge{Name: "王芳", ID: "001"}
	kinds := []app.EventKind{app.EventIssued, app.EventCalled, app.EventRecalled, app.EventSkipped, app.EventTransferred,
		app.EventHeld, app.EventResumed, app.EventStarted, app.EventCompleted, app.EventPriorityConfirmed,
		app.EventPaused, app.EventUnpaused, app.EventCaseOpened, app.EventCaseChanged, app.EventCaseNote,
		app.EventEscalated, app.EventHelp, app.EventHelpTaken, app.EventRated}
	for _, kind := range kinds {
		ev := app.Event{ID: 1, At: now, Kind: kind, Window: 2, Ticket: tk, Case: kase, Staff: badge,
			Help:   &app.HelpAlert{ID: 1, Source: "大厅自助机", TakenBy: "王芳"},
			Rating: &app.Rating{ID: 1, Ticket: 7, Window: 2, Staff: "王芳", Score: 1, CaseCode: "5CD5-S8E1"}}
		if full, _ := json.Marshal(hub.Project(app.RoleWindow, ev)); !strings.Contains(string(full), "邻居噪音") {
			t.Errorf("%s: the window lost the case", kind)
		}
		for _, role := range []app.Role{app.RoleKiosk, app.RoleDisplay, app.RoleRating} {
			b, _ := json.Marshal(hub.Project(role, ev))
			s := string(b)
			for _, secret := range []string{"张*丰", "3306", "邻居噪音", "已调解", "5CD5", "邻里纠纷", "id_typed"} {
				if strings.Contains(s, secret) {
					t.Errorf("%s to %s leaks %q: %s", kind, role, secret, s)
				}
			}
			for _, shown := range []string{`"label":"B001"`, `"window":2`, `"kind":"` + string(kind) + `"`, `"staff":{"name":"王芳","id":"001"}`} {
				if !strings.Contains(s, shown) {
					t.Errorf("%s to %s lacks %s: %s", kind, role, shown, s)
				}
			}
		}
	}
}
