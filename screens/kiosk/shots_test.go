package kiosk

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
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
	env := newShotEnv(t, config.Default().Info())
	dir := shottest.Dir(t)
	files, err := screenshots(dir, env)
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
	Hall       *store.Hall
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

// shotVariants are the screenshots drawn in 长者模式 or under a banner.
var shotVariants = map[string]variant{
	"home-elderly":          {elderly: true},
	"home-elderly-help":     {elderly: true, banner: "help"},
	"confirm-elderly-help":  {elderly: true, banner: "help"},
	"case-timeline-elderly": {elderly: true},
}

// kioskScenes seeds env's hall with the tickets and cases the screens show and returns the scenes
// and the kiosk clock they are drawn at.
func kioskScenes(env shotEnv) ([]scene, func() time.Time, error) {
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

	card := idcardsim.TestIdentity()
	elder := card
	elder.Name, elder.Number = "张阿丰", "330681194805121238"
	elder.Number = elder.Number[:17] + string(app.IDCheckChar(elder.Number[:17]))

	// A case with some history for the timeline and the card holder's list.
	first, err := env.Hall.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
		Visitor: &app.Visitor{IDNumber: card.Number, Name: card.Name, FromCard: true}})
	if err != nil {
		return nil, nil, fmt.Errorf("seed ticket: %w", err)
	}
	set(now.Add(26 * time.Hour))
	env.Hall.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAccepted, By: "王芳"})
	set(now.Add(24 * time.Hour))
	env.Hall.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", By: "王芳"})
	// A second case of the same visitor at its last open stage: every stage on its timeline.
	second, err := env.Hall.Issue(ctx, app.IssueRequest{Service: "petition", Category: "村务管理",
		Visitor: &app.Visitor{IDNumber: card.Number, Name: card.Name, FromCard: true}})
	if err != nil {
		return nil, nil, fmt.Errorf("seed ticket: %w", err)
	}
	for _, st := range []app.CaseStatus{app.CaseAccepted, app.CaseAssigned, app.CaseAssessing, app.CaseHandling, app.CaseFollowUp} {
		set(now.Add(24 * time.Hour))
		env.Hall.ChangeCase(ctx, second.CaseCode, app.CaseChange{Status: st, Unit: "枫桥镇人民调解委员会", By: "王芳"})
	}
	set(time.Date(2026, 11, 27, 10, 32, 0, 0, loc))
	for i := 0; i < 3; i++ {
		env.Hall.Issue(ctx, app.IssueRequest{Service: "petition"})
	}
	env.Hall.Issue(ctx, app.IssueRequest{Service: "legal"})
	book, err := seedBookings(ctx, env, card.Number)
	if err != nil {
		return nil, nil, err
	}

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
		{"home-elderly", true, func(k *Kiosk) {}},
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
			k.flow.ChooseCategoryStep()
		}},
		{"result", true, func(k *Kiosk) {
			k.flow.StartCheckIn("petition")
			k.CardEvent(ev(elder))
			k.flow.ChooseCategory("村务管理")
			k.act(k.flow.Confirm())
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
			k.flow.ChooseCategory("婚姻家庭")
			k.act(k.flow.Confirm())
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
			k.act(k.flow.Scanned(env.Info.TrackingURL(second.CaseCode)))
		}},
		{"home-elderly-help", true, func(k *Kiosk) {}},
		{"confirm-elderly-help", true, func(k *Kiosk) {
			k.CardEvent(ev(card))
			k.flow.StartCheckIn("mediation")
		}},
		{"case-timeline-elderly", true, func(k *Kiosk) {
			k.act(k.flow.Scanned(env.Info.TrackingURL(second.CaseCode)))
		}},
		{"help-called", false, func(k *Kiosk) {
			k.flow.StartCheckIn("hotline")
			k.help("")
		}},
		{"staff-pin", false, func(k *Kiosk) {
			k.flow.StaffPIN()
			typeID(k, "12")
		}},
		{"booking-service", true, func(k *Kiosk) {
			book()
			k.CardEvent(ev(card))
		}},
		{"booking-result", true, func(k *Kiosk) { k.act(k.flow.Scanned(book())) }},
		{"booking-early", false, func(k *Kiosk) { k.act(k.flow.Scanned("YYEARLY1")) }},
	}
	return shots, clock, nil
}

// screenshots renders every kiosk screen into dir as kiosk-<landscape|portrait>-NN-<name>.png, at
// the real window size, without forcing the canvas: what a screen shows is what the window shows.
// It returns the names of the files written.
func screenshots(dir string, env shotEnv) ([]string, error) {
	a := test.NewApp()
	defer test.NewApp()
	shots, clock, err := kioskScenes(env)
	if err != nil {
		return nil, err
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
			k, w := renderScene(a, env, clock, s, size, shotVariants[s.name])
			img := w.Canvas().Capture()
			w.Close()
			_ = k
			name := fmt.Sprintf("kiosk-%s-%02d-%s.png", orient, i+1, s.name)
			if err := shottest.WritePNG(filepath.Join(dir, name), img); err != nil {
				return files, err
			}
			files = append(files, name)
		}
	}
	return files, nil
}

// variant is how a scene is drawn: in 长者模式 or not, under which banner.
type variant struct {
	elderly bool
	banner  string // "", "help", "paper-out" or "reader-unplugged"
}

var paperNotice = Notice{Title: "凭条打印纸用完了", Body: "号码和二维码会显示在屏幕上，请记住号码或用手机拍下。已通知工作人员加纸。", Fault: true}

// renderScene draws scene s on a test window of the given size and lets its layout settle.
func renderScene(a fyne.App, env shotEnv, clock func() time.Time, s scene, size fyne.Size, v variant) (*Kiosk, fyne.Window) {
	rec := &recorder{}
	k := New(context.Background(), Options{Hall: env.Hall, Info: env.Info, ElderlyAge: env.ElderlyAge, Location: env.Location,
		Now: clock, Sync: true, Post: func(f func()) { f() }, Size: size, Printer: noPrint{}, Speaker: rec,
		StaffPIN: "x", Log: quiet()})
	k.flow.Elderly = v.elderly
	k.th = k.theme()
	// A new theme empties Fyne's font cache: set it only when the scale changes.
	if cur, ok := a.Settings().Theme().(*kt.Theme); !ok || cur.Scale != k.th.Scale {
		a.Settings().SetTheme(k.th)
	}
	w := test.NewWindow(k.Content())
	w.SetPadded(false)
	w.Resize(size)
	if v.banner == "reader-unplugged" {
		k.CardEvent(idcard.Event{Kind: idcard.EventState, State: idcard.StateDisconnected})
	}
	s.setup(k)
	switch v.banner {
	case "help":
		k.showBanner(helpNotice, time.Hour)
	case "paper-out":
		k.showBanner(paperNotice, time.Hour)
	}
	k.render()
	settle(k.Content())
	return k, w
}

// recorder is a Speaker that keeps what it was told to say.
type recorder struct{ said []string }

func (r *recorder) Say(s string) { r.said = append(r.said, s) }

type noPrint struct{}

func (noPrint) PrintReceipt(context.Context, printing.Receipt) error { return nil }

type paperOut struct{}

func (paperOut) PrintReceipt(context.Context, printing.Receipt) error { return ErrPaperOut }

// seedBookings gives the hall a booking plan and a booking for 14:00 (too early to check in at
// 10:32), and returns a function that books the card holder (idNumber) for 11:00 under a new code
// and returns the code: each render checks a fresh booking in.
func seedBookings(ctx context.Context, env shotEnv, idNumber string) (func() string, error) {
	env.Hall.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2,
		PerService: map[string]int{"legal": 1}, GraceMinutes: 15})
	plan, err := env.Hall.BookingPlan(ctx)
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(plan.IDKey)
	if err != nil {
		return nil, err
	}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, env.Location)
	booking := func(code string, slot time.Time, hash string) error {
		_, err := env.Hall.ApplyBooking(ctx, app.Booking{Code: code, Service: "legal", Slot: slot, Minutes: 30,
			Status: app.BookingBooked, MaskedName: "王*明", MaskedPhone: "138****0000", IDHash: hash, CreatedAt: day})
		return err
	}
	if err := booking("YYEARLY1", day.Add(14*time.Hour), ""); err != nil {
		return nil, err
	}
	n := 0
	return func() string {
		n++
		code := fmt.Sprintf("YYCARD%02d", n)
		if err := booking(code, day.Add(11*time.Hour), app.IDHash(key, idNumber)); err != nil {
			panic(err)
		}
		return code
	}, nil
}
