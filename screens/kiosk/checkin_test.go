package kiosk

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/devices/idcard/idcardsim"
)

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
			e.tap("事情类别：不清楚（可不选）")
			e.step(StepCategory)
			e.tap("土地征收")
			e.step(StepConfirm)
			e.tap("同意并取号")
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
			if !e.has("请取走出纸口的凭条") {
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
			e.tap("同意并取号")
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
	e.tap(noCardLabel)
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
	e.tap("事情类别：不清楚（可不选）")
	e.step(StepCategory)
	e.tap("婚姻家庭")
	e.step(StepConfirm)
	e.tap("同意并取号")
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
	e.tap(noCardLabel)
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
