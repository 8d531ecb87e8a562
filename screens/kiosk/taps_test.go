package kiosk

import (
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
)

// TestTapsToTicket counts the taps on real buttons from the home screen to the ticket: with the
// card placed, at most 3; without a card, an 18-digit number typed, at most 26 — in normal and
// in elderly mode. The typed number reaches the hub marked typed (未核验 for staff).
func TestTapsToTicket(t *testing.T) {
	for _, elderly := range []bool{false, true} {
		e := newEnv(t, envOpts{})
		if elderly {
			e.tap("长者模式")
		}
		e.taps = 0
		card := idcardsim.TestIdentity()
		e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: card})
		e.step(StepService)
		e.tap("法律咨询")
		e.step(StepConfirm)
		e.tap(agreeLabel)
		e.step(StepPhone)
		e.tap("不留电话，直接取号")
		e.step(StepResult)
		if e.taps > 3 {
			t.Errorf("elderly=%v: card to ticket in %d taps, want ≤ 3", elderly, e.taps)
		}
		if !e.has(takeCard) {
			t.Errorf("elderly=%v: no %s while the card lies on the reader: %q", elderly, takeCard, e.texts())
		}
		e.tap("完成")
		e.step(StepHome)
		e.k.CardEvent(idcard.Event{Kind: idcard.EventLifted})

		e.taps = 0
		id := withCheck("33068119900307124")
		e.tap("法律咨询")
		e.step(StepIdentify)
		e.tap(noCardLabel)
		e.step(StepIDKeypad)
		e.typeKeys("999")
		e.tap("清空")
		if e.k.flow.Typed() != "" {
			t.Fatal("清空 left the entry")
		}
		e.taps -= 4 // the typo and 清空 are not part of the count
		e.typeKeys(id)
		e.tap("确定")
		e.step(StepPhone)
		e.tap("没有手机，不留电话")
		e.step(StepConfirm)
		req := e.k.flow.IssueRequest()
		if req.Source != app.SourceTyped || req.Visitor == nil || req.Visitor.FromCard {
			t.Errorf("typed request %+v, want id_source typed", req)
		}
		e.tap(agreeLabel)
		e.step(StepResult)
		if e.taps > 26 {
			t.Errorf("elderly=%v: no card to ticket in %d taps, want ≤ 26", elderly, e.taps)
		}
		if e.has(takeCard) {
			t.Errorf("elderly=%v: %s shown without a card", elderly, takeCard)
		}
	}
}

// TestElderlyModeToggle: 长者模式 makes the type at least 1.4 times larger, and leaving it
// restores the look, the bold font included.
func TestElderlyModeToggle(t *testing.T) {
	e := newEnv(t, envOpts{})
	bold := fyne.TextStyle{Bold: true}
	th := fyne.CurrentApp().Settings().Theme()
	font, body := th.Font(bold), th.Size(fynetheme.SizeNameText)
	e.tap("长者模式")
	big := fyne.CurrentApp().Settings().Theme().Size(fynetheme.SizeNameText)
	if big < body*ElderlyFactor-0.01 {
		t.Errorf("elderly text %v, normal %v: want ≥ %v×", big, body, ElderlyFactor)
	}
	e.tap("长者模式")
	th = fyne.CurrentApp().Settings().Theme()
	if th.Font(bold) != font || th.Size(fynetheme.SizeNameText) != body {
		t.Errorf("after leaving 长者模式: bold font %s size %v, want %s %v", th.Font(bold).Name(), th.Size(fynetheme.SizeNameText), font.Name(), body)
	}
}
