package kiosk

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
)

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
	e.tap(typeCodeLabel)
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
