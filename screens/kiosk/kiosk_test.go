package kiosk

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/hub"
)

func TestIdleResetClearsPersonalData(t *testing.T) {
	e := newEnv(t, envOpts{})
	card := idcardsim.TestIdentity()
	e.tap("矛盾纠纷调解")
	e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: card})
	e.step(StepConfirm)
	e.tap("同意并取号")
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
	p, o, err := config.Default().Devices.ReceiptPrinter("device:" + sim.Path())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{printer: &DevicePrinter{P: p, Options: o}})
	e.tap("12345热线")
	e.tap(noCardLabel)
	e.typeKeys("330681199003071233")
	e.tap("确定")
	e.typeKeys("13805710000")
	e.tap("确定")
	e.step(StepConfirm)
	e.tap("同意并取号")
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
	// Staff are alerted by the print queue, once per printer condition, not by the kiosk once per
	// visitor (cli: TestKioskPrinterOutOfPaperAlertsStaffOnce).
	e.drain()
	if h, _ := e.store.OpenHelp(e.ctx); len(h) != 0 {
		t.Errorf("the kiosk raised its own alert %+v", h)
	}
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
	if !e.has(noCardLabel) {
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
		e.tap(noCardLabel)
		e.typeKeys("330681199003071233")
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("同意并取号")
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
		e.tap(noCardLabel)
		e.typeKeys(card.Number)
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("同意并取号")
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
		e.tap(noCardLabel)
		e.typeKeys("330681199003071233")
		e.tap("确定")
		e.typeKeys("13805710000")
		e.tap("确定")
		e.tap("同意并取号")
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
