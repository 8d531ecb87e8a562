package console

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/hub"
)

// elderlyID is the ID number of a visitor born in 1949: old enough for elderly priority.
const elderlyID = "11010519491231002X"

// Each priority is shown with what it rests on, as the hub recorded it at issue; only an
// unchecked one offers 核验, and only a typed ID number marks the visitor 身份未核验.
func TestPriorityShownWithBasis(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h := newConsole(t, hl.window, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	visitor := func(fromCard bool) *app.Visitor {
		return &app.Visitor{IDNumber: elderlyID, Name: "赵六", Phone: "13700001234", FromCard: fromCard}
	}
	for _, tt := range []struct {
		name    string
		req     app.IssueRequest
		label   string
		confirm bool // 核验 is offered
		typedID bool // 身份未核验 is shown
	}{
		{"elderly, ID card read", app.IssueRequest{Service: "legal", Visitor: visitor(true)},
			"优先：长者（身份证核验）", false, false},
		{"elderly, ID typed", app.IssueRequest{Service: "petition", Visitor: visitor(false), Source: app.SourceTyped},
			"优先：长者（手输身份证，未核验）", true, true},
		{"pregnant", app.IssueRequest{Service: "hotline", Priority: app.PriorityPregnant},
			"优先：孕妇（自述）", true, false},
		{"disabled", app.IssueRequest{Service: "mediation", Priority: app.PriorityDisabled},
			"优先：残疾（自述）", true, false},
		{"staff", app.IssueRequest{Service: "legal", Priority: app.PriorityStaff},
			"优先：工作人员设定", false, false},
		{"none", app.IssueRequest{Service: "legal"}, "", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := hl.window.Issue(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.key(t, fyne.KeyF1, ActCall); err != nil || current(h) != tk.Label {
				t.Fatalf("call: %v, current %q, want %s", err, current(h), tk.Label)
			}
			h.waitHistory(t)
			q := &h.sc.queue
			if q.priority.Text != tt.label {
				t.Errorf("priority %q, want %q", q.priority.Text, tt.label)
			}
			if q.confirmBtn.Visible() != tt.confirm || tt.confirm && q.confirmBtn.Disabled() {
				t.Errorf("核验 shown %v (disabled %v), want shown %v", q.confirmBtn.Visible(), q.confirmBtn.Disabled(), tt.confirm)
			}
			if h.sc.visitor.idNote.Visible() != tt.typedID {
				t.Errorf("身份未核验 shown %v, want %v", h.sc.visitor.idNote.Visible(), tt.typedID)
			}
			if err := h.key(t, fyne.KeyF9, ActComplete); err != nil {
				t.Fatal(err)
			}
			if q.priority.Text != "" || q.confirmBtn.Visible() || h.sc.visitor.idNote.Visible() {
				t.Errorf("after completing: priority %q, 核验 shown %v", q.priority.Text, q.confirmBtn.Visible())
			}
		})
	}
}

// One tap on 核验 records the check at the hub and shows the priority as 已核验.
func TestConfirmPriority(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h := newConsole(t, hl.window, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		req  app.IssueRequest
		want string
	}{
		{app.IssueRequest{Service: "petition", Visitor: &app.Visitor{IDNumber: elderlyID, Phone: "13700001234"}},
			"优先：长者（手输身份证，已核验）"},
		{app.IssueRequest{Service: "legal", Priority: app.PriorityPregnant}, "优先：孕妇（自述，已核验）"},
	} {
		tk, err := hl.kiosk.Issue(ctx, tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.key(t, fyne.KeyF1, ActCall); err != nil {
			t.Fatal(err)
		}
		h.waitHistory(t)
		test.Tap(h.sc.queue.confirmBtn)
		if err := h.wait(t, ActConfirm); err != nil {
			t.Fatalf("核验 %s: %v", tk.Label, err)
		}
		if got := h.sc.queue.priority.Text; got != tt.want {
			t.Errorf("%s after 核验: %q, want %q", tk.Label, got, tt.want)
		}
		if h.sc.queue.confirmBtn.Visible() || h.sc.visitor.idNote.Visible() {
			t.Errorf("%s after 核验: the button or 身份未核验 still shown", tk.Label)
		}
		q, err := hl.window.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur := q.Windows[0].Current; cur == nil || cur.ID != tk.ID || !cur.PriorityVerified {
			t.Fatalf("the hub has %+v, want %s verified", cur, tk.Label)
		}
		if err := h.key(t, fyne.KeyF9, ActComplete); err != nil {
			t.Fatal(err)
		}
	}
}

// Staff are told when a restore lost records; not otherwise.
func TestLostRecordsBanner(t *testing.T) {
	var state hub.SyncState
	h := newSyncConsole(t, &state)
	for _, tt := range []struct {
		lost int64
		want string // "" for no banner
	}{
		{0, ""},
		{3, "恢复备份后有 3 条记录未能找回，请核对当天登记"},
		{0, ""},
	} {
		state = hub.SyncState{Configured: true, Lost: tt.lost}
		h.sc.loadSync(context.Background())
		h.drain()
		hd := &h.sc.header
		if shown := hd.lost.Visible(); shown != (tt.want != "") || shown && hd.lostText.Text != tt.want {
			t.Errorf("lost %d: banner shown %v with %q, want %q", tt.lost, shown, hd.lostText.Text, tt.want)
		}
	}
}
