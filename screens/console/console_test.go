package console

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

func testInfo() app.Info {
	all := []string{"petition", "legal", "hotline", "mediation"}
	return app.Info{Name: "枫桥镇社会治理综合服务中心", Services: app.DefaultServices(), PublicURL: "https://zz.example.gov.cn",
		Departments: []string{"司法所", "派出所", "人民法庭", "人社所", "自然资源所"},
		Windows:     []app.Window{{ID: 1, Name: "1号窗口", Services: all}, {ID: 2, Name: "2号窗口", Services: all}},
		Staff:       []app.StaffMember{{Name: "王芳", ID: "0231"}, {Name: "李明", ID: "0232"}}}
}

type hall struct {
	srv    *httptest.Server
	con    *store.Console
	kiosk  *hub.Client
	window *hub.Client
}

func newHall(t *testing.T) *hall {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	con := store.NewConsole(store.NewHall(db, testInfo(), app.DefaultRules(), nil),
		func(name, pin string) bool { return (name == "王芳" || name == "李明") && pin == "1234" })
	tokens := map[string]app.Role{"kiosk-token-000000": app.RoleKiosk, "window-token-00000": app.RoleWindow}
	srv := httptest.NewServer(hub.NewServer(con, tokens, nil))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		db.Close()
	})
	return &hall{srv: srv, con: con, kiosk: hub.NewClient(srv.URL, "kiosk-token-000000"),
		window: hub.NewClient(srv.URL, "window-token-00000")}
}

// harness is a console on a test window, with each finished action reported on done. The
// console posts its UI work to the harness, and the test's goroutine runs it (as Fyne's one UI
// thread would), so widgets are touched from one goroutine only.
type harness struct {
	sc     *Screen
	win    fyne.Window
	done   chan done
	posted chan func()
}

// until runs posted UI work until ok reports true; the test fails after 30 s.
func (h *harness) until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for !ok() {
		select {
		case f := <-h.posted:
			f()
		case <-timeout:
			t.Fatalf("%s did not happen within 30 s", what)
		}
	}
}

// drain runs the UI work posted so far.
func (h *harness) drain() {
	for {
		select {
		case f := <-h.posted:
			f()
		default:
			return
		}
	}
}

type done struct {
	a   Action
	err error
}

func newConsole(t *testing.T, c Client, window int) *harness {
	test.NewTempApp(t)
	posted := make(chan func(), 256)
	sc := New(NewSession(c, window, testInfo()), Options{Timeout: 5 * time.Second, Now: func() time.Time {
		return time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)
	}, Post: func(f func()) { posted <- f }})
	w := test.NewTempWindow(t, sc.Content())
	w.Resize(fyne.NewSize(1280, 900))
	sc.Bind(w.Canvas())
	h := &harness{sc: sc, win: w, done: make(chan done, 32), posted: posted}
	sc.onDone = func(a Action, err error) { h.done <- done{a, err} }
	return h
}

// wait returns the error of the next finished action a; the test fails if none finishes in time.
func (h *harness) wait(t *testing.T, a Action) error {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case d := <-h.done:
			if d.a == a {
				return d.err
			}
		case f := <-h.posted:
			f()
		case <-timeout:
			t.Fatalf("action %s did not finish within 30 s (was its button enabled?)", a)
			return nil
		}
	}
}

// waitHistory waits until the current visitor's history and case have loaded.
func (h *harness) waitHistory(t *testing.T) {
	t.Helper()
	h.until(t, "loading the visitor's history", func() bool { return h.sc.visitor.history != nil && h.sc.visitor.history.Case != nil })
}

// key types a function key on the window's canvas (no entry focused).
func (h *harness) key(t *testing.T, k fyne.KeyName, a Action) error {
	t.Helper()
	h.win.Canvas().Unfocus()
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
	return h.wait(t, a)
}

func (h *harness) signIn(t *testing.T, name, pin string) error {
	t.Helper()
	f := &h.sc.signIn
	if f.picked != name {
		if f.picked != "" {
			h.sc.pickStaff("")
		}
		b := f.staff[name]
		if b == nil {
			t.Fatalf("no button for %s on the sign-in card", name)
		}
		test.Tap(b)
	}
	for _, d := range pin {
		test.Tap(f.keys[string(d)])
	}
	test.Tap(f.submit)
	return h.wait(t, ActSignIn)
}

func current(h *harness) string { return h.sc.queue.current.Text }

func TestConsoleWalk(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h := newConsole(t, hl.window, 1)

	if err := h.signIn(t, "王芳", "0000"); app.ErrorCode(err) != app.ESIGNIN {
		t.Fatalf("wrong PIN: %v", err)
	}
	if h.sc.signIn.err.Text != "姓名或密码不正确" || h.sc.signIn.picked != "王芳" || h.sc.signIn.pin.Text != "" || h.sc.main.Visible() {
		t.Fatalf("after a wrong PIN: %q, picked %q", h.sc.signIn.err.Text, h.sc.signIn.picked)
	}
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	if !h.sc.main.Visible() || h.sc.header.staff.Text != "工作人员：王芳" {
		t.Fatal("not signed in")
	}

	id := "11010519491231002X"
	visitor := &app.Visitor{IDNumber: id, Name: "赵六", Phone: "13700001234"}
	first, err := hl.kiosk.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: visitor})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := hl.kiosk.Issue(ctx, app.IssueRequest{Service: "legal"})

	// F1 calls; a double press calls once.
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	if err := h.wait(t, ActCall); err != nil {
		t.Fatal(err)
	}
	if current(h) != first.Label {
		t.Fatalf("current %q after F1, want %s", current(h), first.Label)
	}
	if st, _ := hl.window.WindowStats(ctx, 1); st.Called != 1 {
		t.Fatalf("a double F1 called %d times", st.Called)
	}

	// F2 recalls.
	if err := h.key(t, fyne.KeyF2, ActRecall); err != nil {
		t.Fatal(err)
	}
	if q, _ := hl.window.Queue(ctx); q.Windows[0].Current == nil || q.Windows[0].Current.Recalls != 1 {
		t.Fatalf("recall not recorded: %+v", q.Windows[0].Current)
	}

	// F4 transfers to the chosen service; then F1 calls the next.
	h.sc.queue.transferTo.SetSelected("法律咨询")
	if err := h.key(t, fyne.KeyF4, ActTransfer); err != nil {
		t.Fatal(err)
	}
	if current(h) != "—" {
		t.Fatalf("after transfer the window still shows %q", current(h))
	}
	if err := h.key(t, fyne.KeyF1, ActCall); err != nil {
		t.Fatal(err)
	}
	if current(h) != first.Label { // the transferred ticket keeps its place by arrival
		t.Fatalf("called %q, want %s", current(h), first.Label)
	}

	// F5 holds, the held row's button resumes.
	if err := h.key(t, fyne.KeyF5, ActHold); err != nil {
		t.Fatal(err)
	}
	var resume *widget.Button
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			resume = x
		case *fyne.Container:
			for _, c := range x.Objects {
				find(c)
			}
		}
	}
	for _, o := range h.sc.queue.held.Objects {
		find(o)
	}
	if resume == nil || current(h) != "—" {
		t.Fatalf("no held ticket shown; current %q", current(h))
	}
	test.Tap(resume)
	if err := h.wait(t, ActResume); err != nil {
		t.Fatal(err)
	}
	if current(h) != first.Label {
		t.Fatalf("resumed %q", current(h))
	}

	// F7: the visitor has arrived.
	if err := h.key(t, fyne.KeyF7, ActStart); err != nil {
		t.Fatal(err)
	}
	// The visitor side: masked, then revealed (audited).
	h.waitHistory(t)
	if !strings.Contains(h.sc.visitor.identity.Text, "赵*") || strings.Contains(h.sc.visitor.identity.Text, id) {
		t.Fatalf("visitor shown as %q", h.sc.visitor.identity.Text)
	}
	test.Tap(h.sc.visitor.revealBtn)
	if err := h.wait(t, ActReveal); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.sc.visitor.full.Text, id) {
		t.Fatalf("full identity %q", h.sc.visitor.full.Text)
	}
	if audit, _ := hl.con.Audit(ctx, 5); len(audit) != 1 || audit[0].Staff != "王芳" || audit[0].Ticket != first.Label {
		t.Fatalf("audit = %+v", audit)
	}

	// The case form: pickers, and Chinese typed into the summary is stored whole.
	summary := "邻居装修噪音扰民，多次协商未果；申请调解。"
	h.sc.form.category.SetSelected("邻里纠纷")
	h.sc.form.handling.SetSelected(HandleMediation)
	h.sc.form.level.SetSelected("人民调解")
	test.Type(h.sc.form.summary, summary)
	test.Type(h.sc.form.note, "双方同意下周调解")
	test.Tap(h.sc.form.followQuick[1]) // 7天后
	test.Tap(h.sc.form.save)
	if err := h.wait(t, ActSave); err != nil {
		t.Fatal(err)
	}
	c, err := hl.window.Case(ctx, first.CaseCode)
	if err != nil {
		t.Fatal(err)
	}
	if c.Summary != summary {
		t.Fatalf("stored summary %q, want %q", c.Summary, summary)
	}
	if c.Status != app.CaseFollowUp || c.Handling != app.HandlingMediation || c.Level != "人民调解" || c.FollowUpOn != "2026-12-04" {
		t.Fatalf("case = %+v", c)
	}
	if last := c.History[len(c.History)-1]; last.By != "王芳" {
		t.Fatalf("case changed by %q", last.By)
	}

	// F9 completes; F3 marks the next as a no-show; F6 pauses.
	if err := h.key(t, fyne.KeyF9, ActComplete); err != nil {
		t.Fatal(err)
	}
	if err := h.key(t, fyne.KeyF1, ActCall); err != nil || current(h) != second.Label {
		t.Fatalf("call: %v, current %q", err, current(h))
	}
	if err := h.key(t, fyne.KeyF3, ActSkip); err != nil {
		t.Fatal(err)
	}
	if err := h.key(t, fyne.KeyF6, ActPause); err != nil {
		t.Fatal(err)
	}
	if _, err := hl.window.Call(ctx, 1); app.ErrorCode(err) != app.EPAUSED {
		t.Fatalf("call on a paused window: %v", err)
	}
	// Calling a given number out of turn, typed into its entry.
	if err := h.key(t, fyne.KeyF6, ActPause); err != nil {
		t.Fatal(err)
	}
	test.Type(h.sc.queue.number, strings.ToLower(second.Label))
	test.Tap(h.sc.queue.numberBtn)
	if err := h.wait(t, ActNumber); err != nil || current(h) != second.Label {
		t.Fatalf("call number: %v, current %q", err, current(h))
	}
}

// Function keys work while an entry has the focus.
func TestFunctionKeyInEntry(t *testing.T) {
	hl := newHall(t)
	h := newConsole(t, hl.window, 2)
	if err := h.signIn(t, "李明", "1234"); err != nil {
		t.Fatal(err)
	}
	hl.kiosk.Issue(context.Background(), app.IssueRequest{Service: "hotline"})
	h.win.Canvas().Focus(h.sc.form.summary)
	h.sc.form.summary.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF1})
	if err := h.wait(t, ActCall); err != nil || current(h) != "C001" {
		t.Fatalf("F1 in the summary: %v, current %q", err, current(h))
	}
}

func TestHelpAlertShowsUntilTaken(t *testing.T) {
	hl := newHall(t)
	h := newConsole(t, hl.window, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.sc.Run(ctx)
	asked := time.Time{}
	h.until(t, "the help alert", func() bool {
		if len(h.sc.Session().Help()) > 0 {
			return true
		}
		if time.Since(asked) > 500*time.Millisecond { // until the console's subscription is live
			hl.kiosk.RequestHelp(ctx, "大厅自助机")
			asked = time.Now()
		}
		select {
		case f := <-h.posted:
			f()
		case <-time.After(10 * time.Millisecond):
		}
		return false
	})
	h.drain()
	if !h.sc.header.help.Visible() || !strings.Contains(h.sc.header.helpText.Text, "大厅自助机") {
		t.Fatalf("help bar %q", h.sc.header.helpText.Text)
	}
	for len(h.sc.Session().Help()) > 0 {
		test.Tap(h.sc.header.takeHelpBtn)
		h.wait(t, ActHelp)
	}
	if h.sc.header.help.Visible() {
		t.Fatal("help bar still shown after taking every alert")
	}
	open, _ := hl.window.OpenHelp(ctx)
	if len(open) != 0 {
		t.Fatalf("open alerts %+v", open)
	}
}

// When the hub is unreachable the console says so and keeps what was typed.
func TestHubUnreachableKeepsTyping(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	c := hub.NewClient(hl.srv.URL, "window-token-00000")
	c.Retries = 0
	h := newConsole(t, c, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	hl.kiosk.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err := h.key(t, fyne.KeyF1, ActCall); err != nil {
		t.Fatal(err)
	}
	h.waitHistory(t)
	h.sc.form.handling.SetSelected(HandleAccept)
	test.Type(h.sc.form.summary, "咨询宅基地确权")
	hl.srv.CloseClientConnections()
	hl.srv.Close()
	test.Tap(h.sc.form.save)
	if err := h.wait(t, ActSave); err == nil {
		t.Fatal("saved with the hub down")
	}
	if !h.sc.header.offline.Visible() || !strings.Contains(h.sc.queue.message.Text, "已保留") {
		t.Fatalf("no plain notice: %q", h.sc.queue.message.Text)
	}
	if h.sc.form.summary.Text != "咨询宅基地确权" || h.sc.form.handling.Selected != HandleAccept {
		t.Fatalf("typing lost: %q", h.sc.form.summary.Text)
	}
}

func TestCaseFormPlan(t *testing.T) {
	reg := app.Case{Status: app.CaseRegistered}
	tests := []struct {
		name string
		c    app.Case
		f    CaseForm
		want []app.CaseStatus
		code string
	}{
		{"accept", reg, CaseForm{Handling: HandleAccept}, []app.CaseStatus{app.CaseAccepted}, ""},
		{"accept and close", reg, CaseForm{Handling: HandleAccept, Result: app.ResultResolved, Category: "邻里纠纷"},
			[]app.CaseStatus{app.CaseAccepted, app.CaseClosed}, ""},
		{"reject", reg, CaseForm{Handling: HandleReject}, []app.CaseStatus{app.CaseRejected}, ""},
		{"mediation", reg, CaseForm{Handling: HandleMediation, Level: "行政调解"},
			[]app.CaseStatus{app.CaseAccepted, app.CaseAssigned, app.CaseHandling}, ""},
		{"referral with follow-up", reg, CaseForm{Handling: HandleReferral, Department: "司法所", FollowUpOn: "2026-12-01"},
			[]app.CaseStatus{app.CaseAccepted, app.CaseAssigned, app.CaseHandling, app.CaseFollowUp}, ""},
		{"referral needs a department", reg, CaseForm{Handling: HandleReferral}, nil, app.EINVALID},
		{"continue from handling", app.Case{Status: app.CaseHandling, Category: "邻里纠纷"}, CaseForm{Handling: HandleMediation, Result: app.ResultResolved},
			[]app.CaseStatus{app.CaseClosed}, ""},
		{"closing needs a category", reg, CaseForm{Handling: HandleAccept, Result: app.ResultResolved}, nil, "category"},
		{"closing refuses 不清楚", app.Case{Status: app.CaseHandling, Category: UnknownCategory},
			CaseForm{Handling: HandleMediation, Result: app.ResultResolved}, nil, "category"},
		{"不清楚 may stay open", app.Case{Status: app.CaseRegistered, Category: UnknownCategory},
			CaseForm{Handling: HandleMediation}, []app.CaseStatus{app.CaseAccepted, app.CaseAssigned, app.CaseHandling}, ""},
		{"a real category lets it close", app.Case{Status: app.CaseHandling, Category: UnknownCategory},
			CaseForm{Handling: HandleMediation, Result: app.ResultResolved, Category: "邻里纠纷"}, []app.CaseStatus{app.CaseClosed}, ""},
		{"closed case", app.Case{Status: app.CaseClosed}, CaseForm{Handling: HandleAccept}, nil, app.ECONFLICT},
		{"bad date", reg, CaseForm{Handling: HandleAccept, FollowUpOn: "12/01"}, nil, app.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Summary, tc.f.By = "摘要", "王芳"
			steps, err := tc.f.Plan(tc.c)
			if tc.code == "category" {
				if !errors.Is(err, ErrNeedCategory) || errText(err) != "结案前请先选择具体的类别（“不清楚”不能结案）" {
					t.Fatalf("err = %v, want ErrNeedCategory", err)
				}
			} else if app.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			var got []app.CaseStatus
			for _, s := range steps {
				got = append(got, s.Status)
			}
			if strings.Join(statuses(got), ",") != strings.Join(statuses(tc.want), ",") {
				t.Fatalf("plan %v, want %v", got, tc.want)
			}
			// Each planned step must be allowed by the lifecycle, from where the case is.
			from := tc.c.Status
			for i, s := range steps {
				if !app.CanMove(from, s.Status) {
					t.Fatalf("step %d: %s → %s is not allowed", i, from, s.Status)
				}
				from = s.Status
			}
			if len(steps) > 0 && (steps[0].Summary != "摘要" || steps[0].By != "王芳") {
				t.Fatalf("first step %+v", steps[0])
			}
		})
	}
}

func statuses(s []app.CaseStatus) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return out
}

// newSyncConsole returns a console on a hub that reports *state as its sync with the centre.
func newSyncConsole(t *testing.T, state *hub.SyncState) *harness {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	con := store.NewConsole(store.NewHall(db, testInfo(), app.DefaultRules(), nil), func(string, string) bool { return false })
	api := hub.NewServer(con, map[string]app.Role{"window-token-00000": app.RoleWindow}, nil)
	api.SetSyncStatus(func(context.Context) (hub.SyncState, error) { return *state, nil })
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return newConsole(t, hub.NewClient(srv.URL, "window-token-00000"), 1)
}

// Staff see 未同步 N 条 when the centre has not confirmed records for a while; not before.
func TestSyncIndicator(t *testing.T) {
	state := hub.SyncState{Configured: true, Backlog: 7, OldestPending: 60}
	h := newSyncConsole(t, &state)
	ctx := context.Background()
	h.sc.loadSync(ctx)
	h.drain()
	if got := h.sc.header.sync.Text; got != "" {
		t.Errorf("fresh backlog shown to staff: %q", got)
	}
	state.Stale, state.OldestPending = true, 1200
	h.sc.loadSync(ctx)
	h.drain()
	if got := h.sc.header.sync.Text; got != "未同步 7 条" {
		t.Errorf("old backlog: indicator %q, want 未同步 7 条", got)
	}
}

// After a pick in a focused picker, the function keys still reach the console.
func TestFunctionKeysAfterAPick(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h := newConsole(t, hl.window, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	hl.kiosk.Issue(ctx, app.IssueRequest{Service: "legal"})
	c := h.win.Canvas()
	c.Focus(h.sc.queue.transferTo)
	h.sc.queue.transferTo.SetSelected("矛盾纠纷调解")
	if f := c.Focused(); f != nil {
		t.Fatalf("the picker kept the focus (%T): F-keys would not reach the console", f)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	if err := h.wait(t, ActCall); err != nil {
		t.Fatal(err)
	}
	if got := current(h); got != "B001" {
		t.Errorf("F1 after a pick called %q, want B001", got)
	}
}
