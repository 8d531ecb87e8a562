package kiosk

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/printing"
	"fengqiao/screens/shottest"
	kt "fengqiao/screens/theme"
	"fengqiao/store"
)

// TestScreenshots renders every kiosk screen of the default hall, in landscape and (most) in
// portrait at 1080p, into a temporary folder or into the -screenshots folder.
func TestScreenshots(t *testing.T) {
	cfg := config.Default()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	hall := store.NewHall(db, cfg.Info(), cfg.Rules(), func() time.Time { return now })
	dir := shottest.Dir(t)
	files, err := screenshots(dir, shotEnv{Hall: hall, Info: cfg.Info(), ElderlyAge: cfg.Queue.ElderlyAge,
		Location: cfg.Rules().Location, SetTime: func(x time.Time) { now = x }})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 || files[0] != "kiosk-landscape-01-home.png" {
		t.Errorf("rendered %v, want kiosk-landscape-01-home.png first", files)
	}
	shottest.Check(t, dir, files...)
}

// shotEnv is what screenshots draws with: a fresh hall whose clock it can move.
type shotEnv struct {
	Hall       app.Hall
	Info       app.Info
	ElderlyAge int
	Location   *time.Location
	// SetTime moves the hall's clock (the kiosk's clock follows).
	SetTime func(time.Time)
}

// scene is one kiosk screen to render: its file name and how to get there.
type scene struct {
	name     string
	portrait bool // also in portrait
	setup    func(k *Kiosk)
}

// screenshots renders every kiosk screen into dir as kiosk-<landscape|portrait>-NN-<name>.png.
// It returns the names of the files written.
func screenshots(dir string, env shotEnv) ([]string, error) {
	ctx := context.Background()
	loc := env.Location
	if loc == nil {
		loc = time.Local
	}
	now := time.Date(2026, 11, 27, 10, 32, 0, 0, loc)
	clock := func() time.Time { return now }
	set := func(t time.Time) {
		now = t
		if env.SetTime != nil {
			env.SetTime(t)
		}
	}
	set(now)
	a := test.NewApp()
	defer test.NewApp()
	a.Settings().SetTheme(kt.Kiosk())

	card := idcardsim.TestIdentity()
	elder := card
	elder.Name, elder.Number = "张阿丰", "330681194805121238"
	elder.Number = elder.Number[:17] + string(app.IDCheckChar(elder.Number[:17]))

	// A case with some history for the timeline and the card holder's list.
	first, err := env.Hall.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
		Visitor: &app.Visitor{IDNumber: card.Number, Name: card.Name, FromCard: true}})
	if err != nil {
		return nil, fmt.Errorf("seed ticket: %w", err)
	}
	set(now.Add(26 * time.Hour))
	env.Hall.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAccepted, By: "王芳"})
	set(now.Add(24 * time.Hour))
	env.Hall.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", By: "王芳"})
	set(time.Date(2026, 11, 27, 10, 32, 0, 0, loc))
	for i := 0; i < 3; i++ {
		env.Hall.Issue(ctx, app.IssueRequest{Service: "petition"})
	}
	env.Hall.Issue(ctx, app.IssueRequest{Service: "legal"})

	typed := withCheck("33068119920307124") // a made-up woman's number, typed on the keypad
	ev := func(id idcard.Identity) idcard.Event {
		return idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: id}
	}
	typeID := func(k *Kiosk, s string) {
		for i := 0; i < len(s); i++ {
			k.flow.Key(s[i])
		}
	}
	shots := []scene{
		{"home", true, func(k *Kiosk) {}},
		{"home-elderly", true, func(k *Kiosk) { k.flow.Elderly = true; k.applyTheme() }},
		{"home-reader-unplugged", false, func(k *Kiosk) {
			k.CardEvent(idcard.Event{Kind: idcard.EventState, State: idcard.StateDisconnected})
		}},
		{"card-choose-service", false, func(k *Kiosk) { k.CardEvent(ev(card)) }},
		{"identify", true, func(k *Kiosk) { k.flow.StartCheckIn("mediation") }},
		{"identify-reader-unplugged", false, func(k *Kiosk) {
			k.CardEvent(idcard.Event{Kind: idcard.EventState, State: idcard.StateDisconnected})
			k.flow.StartCheckIn("mediation")
		}},
		{"id-keypad", true, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.NoCard()
			typeID(k, "33068119900307")
		}},
		{"phone-keypad", false, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.NoCard()
			typeID(k, "330681199003071233")
			k.flow.SubmitID()
			typeID(k, "1380571")
		}},
		{"confirm-open-case", true, func(k *Kiosk) {
			k.CardEvent(ev(card))
			k.flow.StartCheckIn("mediation")
		}},
		{"confirm-elderly", false, func(k *Kiosk) {
			k.flow.StartCheckIn("petition")
			k.CardEvent(ev(elder))
			k.flow.SetConsent(true)
		}},
		{"confirm-typed", false, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.NoCard()
			typeID(k, typed)
			k.flow.SubmitID()
			typeID(k, "13805710000")
			k.flow.SubmitPhone()
			k.flow.Declare(app.PriorityPregnant)
		}},
		{"category", true, func(k *Kiosk) {
			k.flow.StartCheckIn("mediation")
			k.flow.NoCard()
			typeID(k, "330681199003071233")
			k.flow.SubmitID()
			typeID(k, "13805710000")
			k.flow.SubmitPhone()
			k.flow.SetConsent(true)
			k.flow.Confirm()
		}},
		{"result", true, func(k *Kiosk) {
			k.flow.StartCheckIn("petition")
			k.CardEvent(ev(elder))
			k.flow.SetConsent(true)
			k.flow.Confirm()
			k.act(k.flow.ChooseCategory("村务管理"))
			k.act(k.flow.SkipPhone())
		}},
		{"result-paper-out", false, func(k *Kiosk) {
			k.opts.Printer = paperOut{}
			k.flow.StartCheckIn("legal")
			k.flow.NoCard()
			typeID(k, typed)
			k.flow.SubmitID()
			typeID(k, "13805710000")
			k.flow.SubmitPhone()
			k.flow.SetConsent(true)
			k.flow.Confirm()
			k.act(k.flow.ChooseCategory("婚姻家庭"))
		}},
		{"refused-limit", false, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.Failed(k.flow.Gen, app.Errorf(app.ELIMIT, "limit"))
		}},
		{"refused-closed", false, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.Failed(k.flow.Gen, app.Errorf(app.ECLOSED, "closed"))
		}},
		{"hub-unreachable", true, func(k *Kiosk) {
			k.flow.StartCheckIn("legal")
			k.flow.Failed(k.flow.Gen, app.Errorf(app.EUNAVAILABLE, "down"))
		}},
		{"lookup", true, func(k *Kiosk) { k.flow.StartLookup() }},
		{"code-keypad", true, func(k *Kiosk) {
			k.flow.StartLookup()
			k.flow.TypeCode()
			typeID(k, "7KQ2M9XP4H")
		}},
		{"case-list", false, func(k *Kiosk) {
			k.flow.StartLookup()
			k.act(k.flow.CardPlaced(card.Name, card.Number))
		}},
		{"case-timeline", true, func(k *Kiosk) {
			k.act(k.flow.Scanned(env.Info.TrackingURL(first.CaseCode)))
		}},
		{"help-called", false, func(k *Kiosk) {
			k.flow.StartCheckIn("hotline")
			k.help("")
		}},
		{"staff-pin", false, func(k *Kiosk) {
			k.flow.StaffPIN()
			typeID(k, "12")
		}},
	}
	var files []string
	for _, portrait := range []bool{false, true} {
		orient, size := "landscape", Landscape
		if portrait {
			orient, size = "portrait", Portrait
		}
		for i, s := range shots {
			if portrait && !s.portrait {
				continue
			}
			a.Settings().SetTheme(kt.Kiosk())
			k := New(ctx, Options{Hall: env.Hall, Info: env.Info, ElderlyAge: env.ElderlyAge, Location: loc,
				Now: clock, Sync: true, Post: func(f func()) { f() }, Portrait: portrait, Printer: noPrint{},
				StaffPIN: "x"})
			w := test.NewWindow(k.Content())
			w.SetPadded(false)
			w.Resize(size)
			s.setup(k)
			k.render()
			img := w.Canvas().Capture()
			w.Close()
			name := fmt.Sprintf("kiosk-%s-%02d-%s.png", orient, i+1, s.name)
			if err := shottest.WritePNG(filepath.Join(dir, name), img); err != nil {
				return files, err
			}
			files = append(files, name)
		}
	}
	return files, nil
}

type noPrint struct{}

func (noPrint) PrintReceipt(context.Context, printingReceipt) error { return nil }

type paperOut struct{}

func (paperOut) PrintReceipt(context.Context, printingReceipt) error { return ErrPaperOut }

type printingReceipt = printing.Receipt
