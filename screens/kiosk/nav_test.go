package kiosk

import (
	"reflect"
	"testing"

	"fyne.io/fyne/v2"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner"
)

// navCase is one screen of the 返回/首页 table: how a visitor gets there, and where 返回 takes
// them.
type navCase struct {
	name string
	to   func(e *env) // from the home screen, with taps and device events
	at   Step         // the screen to reaches
	back Step         // where 返回 lands
	// keepID: after 返回 the session still holds the ID number (read or typed); otherwise
	// going back has forgotten it.
	keepID bool
}

// navTyped is a made-up ID number typed on the keypad.
var navTyped = withCheck("33068119900307124")

func navCard(e *env) {
	e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: idcardsim.TestIdentity()})
}

func navIDKeypad(e *env) {
	e.tap("法律咨询")
	e.step(StepIdentify)
	e.tap(noCardLabel)
	e.step(StepIDKeypad)
}

func navTypedPhone(e *env) {
	navIDKeypad(e)
	e.typeKeys(navTyped)
	e.tap("确定")
	e.step(StepPhone)
}

func navCardConfirm(e *env) {
	navCard(e)
	e.step(StepService)
	e.tap("法律咨询")
	e.step(StepConfirm)
}

func navCardPhone(e *env) {
	navCardConfirm(e)
	e.tap(agreeLabel)
	e.step(StepPhone)
}

func navLookup(e *env) {
	e.tap("查询办理进度")
	e.step(StepLookup)
}

func navCaseList(e *env) {
	navLookup(e)
	navCard(e)
	e.step(StepCaseList)
}

// navCases is every screen with 返回 and 首页.
var navCases = []navCase{
	{"service (card on the home screen)", func(e *env) { navCard(e); e.step(StepService) }, StepService, StepHome, false},
	{"identify", func(e *env) { e.tap("法律咨询"); e.step(StepIdentify) }, StepIdentify, StepHome, false},
	{"id keypad, half typed", func(e *env) { navIDKeypad(e); e.typeKeys("330681") }, StepIDKeypad, StepIdentify, false},
	{"phone after a typed ID", navTypedPhone, StepPhone, StepIDKeypad, true},
	{"confirm after a typed ID", func(e *env) { navTypedPhone(e); e.tap("没有手机，不留电话"); e.step(StepConfirm) },
		StepConfirm, StepPhone, true},
	{"confirm after the card", navCardConfirm, StepConfirm, StepService, true},
	{"category", func(e *env) { navCardConfirm(e); e.tap(e.k.categoryLabel()); e.step(StepCategory) },
		StepCategory, StepConfirm, true},
	{"phone after the card", navCardPhone, StepPhone, StepConfirm, true},
	{"ticket", func(e *env) { navCardPhone(e); e.tap("不留电话，直接取号"); e.step(StepResult) }, StepResult, StepHome, false},
	{"lookup", navLookup, StepLookup, StepHome, false},
	{"code keypad", func(e *env) { navLookup(e); e.tap(typeCodeLabel); e.step(StepCodeKeypad) }, StepCodeKeypad, StepLookup, false},
	{"case list", navCaseList, StepCaseList, StepLookup, false},
	{"case of the list", func(e *env) { navCaseList(e); e.tap("事项1"); e.step(StepCase) }, StepCase, StepCaseList, false},
	{"case scanned", func(e *env) {
		navLookup(e)
		e.k.ScannerEvent(scanner.Event{Code: e.k.opts.Info.TrackingURL(navCaseCode(e)), Connected: true})
		e.step(StepCase)
	}, StepCase, StepLookup, false},
	{"unknown code scanned on the lookup screen", func(e *env) {
		navLookup(e)
		e.k.ScannerEvent(scanner.Event{Code: "https://example.com/not-ours", Connected: true})
		e.step(StepMessage)
	}, StepMessage, StepLookup, false},
	{"refusal: the day's limit", func(e *env) {
		navFillLimit(e, "hotline")
		navCard(e)
		e.step(StepService)
		e.tap("12345热线")
		e.step(StepConfirm)
		e.tap(agreeLabel)
		e.step(StepPhone)
		e.tap("不留电话，直接取号")
		e.step(StepMessage)
	}, StepMessage, StepPhone, true},
	{"staff PIN", navPIN, StepPIN, StepHome, false},
	{"staff menu", func(e *env) { navPIN(e); e.typeKeys("1234"); e.tap("确定"); e.step(StepStaff) }, StepStaff, StepHome, false},
}

// navCaseCode is the code of the card holder's case, which the env's hall opens on first use.
func navCaseCode(e *env) string {
	e.t.Helper()
	cases, err := e.store.OpenCases(e.ctx, idcardsim.TestIdentity().Number)
	if err != nil || len(cases) == 0 {
		e.t.Fatalf("the card holder's cases: %v %v", cases, err)
	}
	return cases[0].Code
}

// navFillLimit issues tickets of service for the card holder until the hall refuses more today.
func navFillLimit(e *env, service string) {
	e.t.Helper()
	card := idcardsim.TestIdentity()
	for range 100 {
		_, err := e.store.Issue(e.ctx, app.IssueRequest{Service: service,
			Visitor: &app.Visitor{IDNumber: card.Number, Name: card.Name, FromCard: true}})
		if app.ErrorCode(err) == app.ELIMIT {
			return
		}
		if err != nil {
			e.t.Fatalf("issue %s: %v", service, err)
		}
	}
	e.t.Fatalf("the hall never refused a ticket of %s", service)
}

// navPIN opens the staff PIN keypad with a long press on the staff corner.
func navPIN(e *env) {
	e.t.Helper()
	var corner *cornerPress
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*cornerPress); ok {
			corner = c
		}
	})
	if corner == nil {
		e.t.Fatal("no staff corner")
	}
	corner.MouseDown(nil)
	e.step(StepPIN)
	corner.MouseUp(nil)
}

// TestBackAndHomeOnEveryScreen reaches every screen that has 返回 and 首页 as a visitor does, taps
// each of the two real buttons and checks the screen it lands on: 返回 one step back (with the
// identity forgotten when it goes back before the identity step), 首页 the home screen with the
// session cleared; in landscape and in portrait.
func TestBackAndHomeOnEveryScreen(t *testing.T) {
	for _, size := range []fyne.Size{Landscape, Portrait} {
		e := newEnv(t, envOpts{})
		e.w.Resize(size)
		// The card holder has a case to look up.
		if _, err := e.store.Issue(e.ctx, app.IssueRequest{Service: "mediation", Visitor: &app.Visitor{
			IDNumber: idcardsim.TestIdentity().Number, Name: idcardsim.TestIdentity().Name, FromCard: true}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range navCases {
			for _, button := range []string{"返回", "首页"} {
				want := c.back
				if button == "首页" {
					want = StepHome
				}
				if e.k.flow.Step != StepHome {
					e.tap("首页")
				}
				e.k.CardEvent(idcard.Event{Kind: idcard.EventLifted})
				e.step(StepHome)
				c.to(e)
				if e.k.flow.Step != c.at {
					t.Fatalf("%v %s: reached %s, want %s", size, c.name, e.k.flow.Step, c.at)
				}
				e.tap(button)
				e.drain()
				if got := e.k.flow.Step; got != want {
					t.Errorf("%v %s: %s lands on %s, want %s", size, c.name, button, got, want)
				}
				switch {
				case button == "首页" && !reflect.DeepEqual(e.k.flow.S, Session{}):
					t.Errorf("%v %s: 首页 left the session %+v", size, c.name, e.k.flow.S)
				case button == "返回" && c.keepID != (len(e.k.flow.S.IDNumber) > 0):
					t.Errorf("%v %s: after 返回 the session holds ID %q, want it kept=%v", size, c.name, e.k.flow.S.IDNumber, c.keepID)
				}
			}
		}
	}
}
