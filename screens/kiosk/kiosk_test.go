package kiosk

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
	"fengqiao/hub"
	"fengqiao/store"
)

// countingHall records which hall calls the kiosk makes.
type countingHall struct {
	app.Hall
	openCases atomic.Int32
}

func (c *countingHall) OpenCases(ctx context.Context, id string) ([]app.Case, error) {
	c.openCases.Add(1)
	return c.Hall.OpenCases(ctx, id)
}

// env is one kiosk under test: a hall (in-process or over HTTP), a fake clock, a test window,
// and a queue of functions posted to the UI thread, which the test goroutine runs.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *store.Hall
	hall  *countingHall
	k     *Kiosk
	w     fyne.Window
	q     chan func()
	mu    sync.Mutex
	now   time.Time
	pdf   *PDFFolder
	quit  atomic.Bool
}

type envOpts struct {
	http    bool
	rules   *app.Rules
	printer Printer
	hall    app.Hall // overrides the store (e.g. an unreachable hub)
}

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	test.NewTempApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := config.Default()
	e := &env{t: t, ctx: ctx, q: make(chan func(), 1024)}
	loc := cfg.Rules().Location
	e.now = time.Date(2025, 6, 3, 10, 0, 0, 0, loc)
	clock := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules := cfg.Rules()
	if o.rules != nil {
		rules = *o.rules
	}
	e.store = store.NewHall(db, cfg.Info(), rules, clock)
	var h app.Hall = e.store
	if o.http {
		srv := httptest.NewServer(hub.NewServer(e.store, map[string]string{"kiosk-token-0000001": "kiosk"}, quiet()))
		t.Cleanup(srv.Close)
		h = hub.NewClient(srv.URL, "kiosk-token-0000001")
	}
	if o.hall != nil {
		h = o.hall
	}
	e.hall = &countingHall{Hall: h}
	p := o.printer
	if p == nil {
		e.pdf = &PDFFolder{Dir: t.TempDir(), Paper: 80}
		p = e.pdf
	}
	e.k = New(ctx, Options{Hall: e.hall, Info: cfg.Info(), Printer: p, ElderlyAge: 70, StaffPIN: cfg.Kiosk.StaffPIN,
		Location: loc, Now: clock, Post: func(f func()) { e.q <- f }, LongPress: 20 * time.Millisecond,
		OnQuit: func() { e.quit.Store(true) }, Log: quiet()})
	e.w = test.NewWindow(nil)
	e.k.Attach(e.w, true)
	e.w.Resize(Landscape)
	t.Cleanup(e.w.Close)
	e.waitFor("the queue counts", func() bool { return e.k.queueOK || o.hall != nil })
	return e
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// waitFor runs posted functions until cond holds.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case f := <-e.q:
			f()
		case <-deadline:
			e.t.Fatalf("timed out waiting for %s (step %s; screen: %q)", what, e.k.flow.Step, e.texts())
		}
	}
}

// drain runs what is already posted.
func (e *env) drain() {
	for {
		select {
		case f := <-e.q:
			f()
		default:
			return
		}
	}
}

// walk visits every object of the window's tree, widgets through their renderers.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, f)
		}
	}
}

func (e *env) texts() []string {
	var out []string
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		}
	})
	return out
}

func (e *env) has(s string) bool {
	for _, x := range e.texts() {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// tap taps the button labelled label, as a finger would.
func (e *env) tap(label string) {
	e.t.Helper()
	var found *tile
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if t, ok := o.(*tile); ok && t.Label == label && found == nil {
			found = t
		}
	})
	if found == nil {
		e.t.Fatalf("no button %q on the %s screen (texts %q)", label, e.k.flow.Step, e.texts())
	}
	test.Tap(found)
}

func (e *env) typeKeys(s string) {
	e.t.Helper()
	for _, r := range s {
		e.tap(string(r))
	}
}

func (e *env) step(want Step) {
	e.t.Helper()
	e.waitFor("step "+want.String(), func() bool { return e.k.flow.Step == want })
}

// reader starts the simulated reader over a real pty and the kiosk's watcher on it.
func (e *env) reader() *idcardsim.Simulator {
	e.t.Helper()
	sim, err := idcardsim.New(idcardsim.Options{Link: filepath.Join(e.t.TempDir(), "idcard"), Mode: idcardsim.FindOncePerPlacement, Baud: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { sim.Close() })
	w := idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: sim.Path(), Logger: quiet()},
		Interval: 20 * time.Millisecond, ReopenMin: 20 * time.Millisecond, ReopenMax: 100 * time.Millisecond})
	e.k.WatchDevices(e.ctx, w, nil)
	e.waitFor("the reader", func() bool { return e.k.readerKnown && e.k.reader == idcard.StateReady })
	return sim
}

func TestCardCheckIn(t *testing.T) {
	for _, mode := range []string{"store", "http"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOpts{http: mode == "http"})
			sim := e.reader()
			card := idcardsim.TestIdentity()

			e.tap("信访接待")
			e.step(StepIdentify)
			if !e.has("请将身份证放在感应区") {
				t.Fatalf("identify screen: %q", e.texts())
			}
			if err := sim.Place(card); err != nil {
				t.Fatal(err)
			}
			e.step(StepConfirm)
			if !e.has("王*明") || !e.has("330681********1233") {
				t.Fatalf("confirm screen shows no masked identity: %q", e.texts())
			}
			if e.has("王小明") || e.has(card.Number) {
				t.Fatal("confirm screen shows the identity unmasked")
			}
			e.tap("下一步")
			if e.k.flow.Step != StepConfirm || !e.has("请先阅读") {
				t.Fatal("went on without consent")
			}
			e.tap("我已了解，同意登记")
			e.tap("下一步")
			e.step(StepCategory)
			e.tap("土地征收")
			e.step(StepPhone)
			e.tap("不留电话，直接取号")
			e.step(StepResult)
			tk := e.k.flow.S.Ticket
			if tk == nil || tk.Label != "A001" || !e.has("A001") || !e.has("前面没有人在等") {
				t.Fatalf("result screen: %q", e.texts())
			}
			if pdf := e.pdf.Last(); pdf == "" {
				t.Fatal("no receipt written")
			} else if _, err := exec.LookPath("pdftotext"); err == nil {
				out, err := exec.Command("pdftotext", pdf, "-").Output()
				if err != nil || !strings.Contains(string(out), "A001") {
					t.Fatalf("receipt PDF text %q (%v) lacks the number", out, err)
				}
			}
			if !e.has("请取走下方的凭条") {
				t.Fatalf("result screen: %q", e.texts())
			}
			first := tk.CaseCode

			// Back home by itself after the result time; the card lies there still: lift it.
			sim.Lift()
			e.advance(21 * time.Second)
			e.k.Tick()
			e.step(StepHome)

			// The card placed on the home screen starts check-in; the open case is offered and linked.
			time.Sleep(100 * time.Millisecond) // the watcher sees the card lifted
			if err := sim.Place(card); err != nil {
				t.Fatal(err)
			}
			e.step(StepService)
			e.waitFor("open cases", func() bool { return len(e.k.flow.S.OpenCases) == 1 })
			e.tap("信访接待")
			e.step(StepConfirm)
			if !e.has("您有1件正在办理的事项") {
				t.Fatalf("open case not shown: %q", e.texts())
			}
			e.tap("我已了解，同意登记")
			e.tap("下一步")
			e.step(StepPhone) // linked: no category to choose
			e.typeKeys("13805710000")
			e.tap("确定")
			e.step(StepResult)
			if got := e.k.flow.S.Ticket.CaseCode; got != first {
				t.Fatalf("second ticket's case %s, want the open case %s", got, first)
			}
		})
	}
}

func TestNoCardRegistration(t *testing.T) {
	e := newEnv(t, envOpts{http: true})
	id := withCheck("33068119920307124") // a woman's number
	// The same person has an open case from an earlier visit with her card.
	if _, err := e.store.Issue(e.ctx, app.IssueRequest{Service: "legal", Category: "婚姻家庭",
		Visitor: &app.Visitor{IDNumber: id, Name: "李春燕", FromCard: true}}); err != nil {
		t.Fatal(err)
	}
	e.tap("法律咨询")
	e.step(StepIdentify)
	e.tap("无身份证登记")
	e.step(StepIDKeypad)
	e.typeKeys("3306811")
	e.tap("删除")
	e.typeKeys(id[6:])
	e.tap("确定")
	e.step(StepPhone)
	e.tap("确定")
	if e.k.flow.Step != StepPhone || !e.has("电话号码不对") {
		t.Fatal("an empty phone number was accepted without a card")
	}
	e.typeKeys("13805710000")
	e.tap("确定")
	e.step(StepConfirm)
	if !e.has(app.MaskIDNumber(id)) || !e.has("138****0000") || e.has(id) {
		t.Fatalf("confirm: %q", e.texts())
	}
	if e.has("正在办理的事项") || e.hall.openCases.Load() != 0 {
		t.Fatal("a typed ID number revealed cases")
	}
	e.tap("我是孕妇")
	e.tap("我已了解，同意登记")
	e.tap("下一步")
	e.step(StepCategory)
	e.tap("婚姻家庭")
	e.step(StepResult)
	tk := e.k.flow.S.Ticket
	if tk.Priority != app.PriorityPregnant || !e.has("孕妇优先") || tk.Label != "B002" {
		t.Fatalf("ticket %+v; screen %q", tk, e.texts())
	}
	e.drain()
	if e.hall.openCases.Load() != 0 {
		t.Fatal("OpenCases was called for a typed number")
	}
}

func TestBadIDNumberOnKeypad(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.tap("法律咨询")
	e.tap("无身份证登记")
	e.typeKeys("33068119900307123")
	e.tap("X") // wrong check digit
	e.tap("确定")
	if e.k.flow.Step != StepIDKeypad || !e.has("这个号码不对") {
		t.Fatalf("bad number accepted: %q", e.texts())
	}
	e.tap("返回")
	e.step(StepIdentify)
	if len(e.k.flow.S.IDNumber) != 0 {
		t.Fatal("going back kept the typed number")
	}
}

func TestQRLookup(t *testing.T) {
	e := newEnv(t, envOpts{http: true})
	tk, err := e.store.Issue(e.ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
		Visitor: &app.Visitor{IDNumber: "330681199003071233", Name: "王小明", FromCard: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ChangeCase(e.ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAccepted, By: "王芳"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ChangeCase(e.ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", By: "王芳"}); err != nil {
		t.Fatal(err)
	}
	url := e.k.opts.Info.TrackingURL(tk.CaseCode)

	// The serial scanner, simulated over a pty: a scan on the home screen opens the case.
	sim, err := scannersim.New(scannersim.Options{Link: filepath.Join(t.TempDir(), "scanner")})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	e.k.WatchDevices(e.ctx, nil, scanner.New(scanner.Config{Port: sim.Path(), Logger: quiet()}))
	e.waitFor("the scanner", func() bool { return e.k.scannerOK })
	if err := sim.Scan(url); err != nil {
		t.Fatal(err)
	}
	e.step(StepCase)
	for _, want := range []string{"办理进度", tk.CaseCode, "司法所", "登记", "受理", "分流（正在办理）", "结案", "王*明", "2025年6月3日"} {
		if !e.has(want) {
			t.Fatalf("case screen lacks %q: %q", want, e.texts())
		}
	}
	if e.has("王小明") {
		t.Fatal("case screen shows the name unmasked")
	}
	e.tap("首页")
	e.step(StepHome)

	// A scanner in keyboard mode types the URL and Return.
	e.tap("查询办理进度")
	e.step(StepLookup)
	test.TypeOnCanvas(e.w.Canvas(), url)
	e.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	e.step(StepCase)
	e.tap("返回")
	e.step(StepLookup)

	// The code typed on the Crockford keypad.
	e.tap("输入查询码")
	e.step(StepCodeKeypad)
	e.typeKeys(strings.ReplaceAll(tk.CaseCode, "-", "")[:19])
	e.tap("查询")
	if e.k.flow.Step != StepCodeKeypad || !e.has("查询码是20位") {
		t.Fatal("a short code was looked up")
	}
	e.typeKeys(tk.CaseCode[len(tk.CaseCode)-1:])
	e.tap("查询")
	e.step(StepCase)

	// A foreign QR code is explained.
	e.tap("首页")
	if err := sim.Scan("https://example.com/ad"); err != nil {
		t.Fatal(err)
	}
	e.step(StepMessage)
	if !e.has("这个码查不到") {
		t.Fatalf("%q", e.texts())
	}
}

func TestLookupByCard(t *testing.T) {
	e := newEnv(t, envOpts{})
	card := idcardsim.TestIdentity()
	if _, err := e.store.Issue(e.ctx, app.IssueRequest{Service: "legal", Category: "劳动争议",
		Visitor: &app.Visitor{IDNumber: card.Number, Name: card.Name, FromCard: true}}); err != nil {
		t.Fatal(err)
	}
	e.tap("查询办理进度")
	e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: card})
	e.step(StepCaseList)
	if !e.has("您有1件正在办理的事项") || len(e.k.flow.S.IDNumber) != 0 {
		t.Fatalf("case list: %q", e.texts())
	}
	e.tap("事项1")
	e.step(StepCase)
	if !e.has("劳动争议") {
		t.Fatalf("%q", e.texts())
	}
}

func TestIdleResetClearsPersonalData(t *testing.T) {
	e := newEnv(t, envOpts{})
	card := idcardsim.TestIdentity()
	e.tap("矛盾纠纷调解")
	e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: card})
	e.step(StepConfirm)
	e.tap("我已了解，同意登记")
	e.tap("下一步")
	e.tap("邻里纠纷")
	e.step(StepPhone)
	e.typeKeys("1380571")
	if !e.has("王*明") && !e.has("138 0571") {
		t.Fatalf("phone screen: %q", e.texts())
	}
	idBuf, phoneBuf := e.k.flow.S.IDNumber, e.k.flow.S.Phone
	e.advance(59 * time.Second)
	e.k.Tick()
	if e.k.flow.Step != StepPhone {
		t.Fatal("reset before the idle time")
	}
	e.advance(2 * time.Second)
	e.k.Tick()
	e.drain()
	if e.k.flow.Step != StepHome {
		t.Fatalf("idle did not go home: %s", e.k.flow.Step)
	}
	for _, s := range e.texts() {
		for _, bad := range []string{"王", "*明", "330681", "1233", "138", "0571", card.Name, card.Number} {
			if strings.Contains(s, bad) {
				t.Fatalf("after idle reset the screen still shows %q in %q", bad, s)
			}
		}
	}
	if !reflect.DeepEqual(e.k.flow.S, Session{}) {
		t.Fatalf("session not cleared: %+v", e.k.flow.S)
	}
	for _, b := range append(idBuf[:cap(idBuf)], phoneBuf[:cap(phoneBuf)]...) {
		if b != 0 {
			t.Fatal("the typed bytes were not zeroed")
		}
	}
	// An answer of the hub for the old session is dropped.
	old := e.k.flow.Gen - 1
	e.k.flow.OpenCasesLoaded(old, []app.Case{{Code: "X"}})
	e.k.flow.Issued(old, app.Ticket{Label: "A009"}, nil)
	if e.k.flow.Step != StepHome || e.k.flow.S.Ticket != nil {
		t.Fatal("a stale answer reached the new session")
	}
}

func TestPrinterOutOfPaper(t *testing.T) {
	sim, err := printertest.NewPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.SetPaper(printer.PaperOut)
	p, err := OpenPrinter(PrinterConfig{Spec: "device:" + sim.Path(), Paper: 80})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{printer: p})
	e.tap("12345热线")
	e.tap("无身份证登记")
	e.typeKeys("330681199003071233")
	e.tap("确定")
	e.typeKeys("13805710000")
	e.tap("确定")
	e.step(StepConfirm)
	e.tap("我已了解，同意登记")
	e.tap("下一步")
	e.tap("政策咨询")
	e.step(StepResult)
	if !e.has("C001") || !e.has("凭条打印纸用完了") || !e.has("查询码") {
		t.Fatalf("paper-out result: %q", e.texts())
	}
	var qr bool
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil {
			qr = true
		}
	})
	if !qr {
		t.Fatal("no QR code on the screen")
	}
	if len(sim.Received()) > len(printer.StatusRequest) {
		t.Fatal("printed with no paper")
	}
	e.waitFor("the staff alert", func() bool {
		e.drain()
		h, _ := e.store.OpenHelp(e.ctx)
		return len(h) == 1 && strings.Contains(h[0].Source, "打印纸")
	})
}

func TestReaderUnplugged(t *testing.T) {
	e := newEnv(t, envOpts{})
	sim := e.reader()
	e.tap("信访接待")
	e.step(StepIdentify)
	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the fault shown", func() bool { return e.has("读卡器暂时不能用") })
	if !e.has("无身份证登记") {
		t.Fatal("no way forward while the reader is unplugged")
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	e.waitFor("recovery", func() bool { return !e.has("读卡器暂时不能用") })
	if err := sim.Place(idcardsim.TestIdentity()); err != nil {
		t.Fatal(err)
	}
	e.step(StepConfirm)
}

func TestRefusals(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		rules := config.Default().Rules()
		rules.Hours = app.Hours{Periods: []app.Period{{Start: 13 * 60, End: 17 * 60}}}
		e := newEnv(t, envOpts{http: true, rules: &rules})
		e.k.opts.Info.Hours = rules.Hours.String()
		e.k.flow.Info.Hours = rules.Hours.String()
		e.tap("法律咨询")
		e.tap("无身份证登记")
		e.typeKeys("330681199003071233")
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("我已了解，同意登记")
		e.tap("下一步")
		e.tap("其他")
		e.step(StepMessage)
		if !e.has("现在不是办理时间") || !e.has("13:00-17:00") {
			t.Fatalf("%q", e.texts())
		}
		e.tap("回到首页")
		e.step(StepHome)
	})
	t.Run("limit", func(t *testing.T) {
		e := newEnv(t, envOpts{})
		card := idcardsim.TestIdentity()
		for i := 0; i < 2; i++ {
			e.store.Issue(e.ctx, app.IssueRequest{Service: "legal", Visitor: &app.Visitor{IDNumber: card.Number}})
		}
		e.tap("法律咨询")
		e.tap("无身份证登记")
		e.typeKeys(card.Number)
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("我已了解，同意登记")
		e.tap("下一步")
		e.tap("其他")
		e.step(StepMessage)
		if !e.has("今天不能再取这个号了") {
			t.Fatalf("%q", e.texts())
		}
	})
	t.Run("hub unreachable", func(t *testing.T) {
		srv := httptest.NewServer(nil)
		url := srv.URL
		srv.Close()
		c := hub.NewClient(url, "kiosk-token-0000001")
		c.Retries = 0
		e := newEnv(t, envOpts{hall: c})
		e.tap("法律咨询")
		e.tap("无身份证登记")
		e.typeKeys("330681199003071233")
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("我已了解，同意登记")
		e.tap("下一步")
		e.tap("其他")
		e.step(StepMessage)
		if !e.has("系统暂时连不上") {
			t.Fatalf("%q", e.texts())
		}
	})
}

func TestHelpAndElderlyMode(t *testing.T) {
	e := newEnv(t, envOpts{http: true})
	e.tap("信访接待")
	e.tap("呼叫工作人员")
	e.waitFor("the help banner", func() bool { return e.has("已通知工作人员") })
	h, err := e.store.OpenHelp(e.ctx)
	if err != nil || len(h) != 1 || h[0].Source != "大厅自助机" {
		t.Fatalf("help alerts %+v %v", h, err)
	}
	for _, step := range []Step{StepIdentify} {
		if e.k.flow.Step != step {
			t.Fatalf("help changed the step to %s", e.k.flow.Step)
		}
	}
	e.tap("长者模式")
	if !e.k.flow.Elderly || e.k.th.Scale <= 2 {
		t.Fatal("elderly mode not on")
	}
	e.advance(61 * time.Second)
	e.k.Tick()
	if e.k.flow.Elderly || e.k.th.Scale != 2 || e.k.flow.Step != StepHome {
		t.Fatal("idle did not reset elderly mode")
	}
}

func TestStaffExit(t *testing.T) {
	e := newEnv(t, envOpts{})
	var corner *cornerPress
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*cornerPress); ok {
			corner = c
		}
	})
	if corner == nil {
		t.Fatal("no staff corner")
	}
	// A short tap does nothing.
	corner.MouseDown(nil)
	corner.MouseUp(nil)
	time.Sleep(50 * time.Millisecond)
	e.drain()
	if e.k.flow.Step != StepHome {
		t.Fatal("a short tap opened the PIN")
	}
	corner.MouseDown(nil)
	e.step(StepPIN)
	corner.MouseUp(nil)
	e.typeKeys("9999")
	e.tap("确定")
	if e.k.flow.Step != StepPIN || !e.has("密码不对") {
		t.Fatal("a wrong PIN was accepted")
	}
	e.typeKeys("1234")
	e.tap("确定")
	e.step(StepStaff)
	e.tap("退出自助机")
	if !e.quit.Load() {
		t.Fatal("the staff menu did not quit")
	}
}

func TestBackAndHomeOnEveryScreen(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, portrait := range []bool{false, true} {
		e.k.SetPortrait(portrait)
		for _, s := range []Step{StepService, StepIdentify, StepIDKeypad, StepPhone, StepConfirm, StepCategory,
			StepLookup, StepCodeKeypad, StepCaseList, StepMessage, StepPIN, StepStaff} {
			e.k.flow.Home()
			e.k.flow.S.Service = "legal"
			e.k.flow.S.Cases = []app.Case{}
			e.k.flow.goTo(s)
			e.k.render()
			for _, b := range []string{"返回", "首页", "呼叫工作人员", "长者模式"} {
				e.tap(b)
				e.k.flow.goTo(s)
				e.k.render()
			}
		}
	}
}
