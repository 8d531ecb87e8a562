package console

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/hub"
	"fengqiao/screens/shottest"
	"fengqiao/screens/theme"
)

// TestScreenshots renders the console of the default hall at 1366×768 (the smallest screen it
// runs on) into a temporary folder, or into the -screenshots folder: console-signin.png (the
// staff list), console-pin.png (the PIN keypad), console-serving.png (a visitor at the window, a
// help alert), console-restored.png (records lost in a restore, an old sync backlog) and
// console-bookings.png (今日预约) and console-offline.png.
func TestScreenshots(t *testing.T) {
	shottest.Render(t, func(dir string) error { return screenshots(dir, config.Default().Info()) },
		"console-signin.png", "console-pin.png", "console-serving.png", "console-restored.png", "console-bookings.png",
		"console-offline.png")
}

// demoNow is the demo console's clock: a Friday morning in the hall.
var demoNow = time.Date(2026, 11, 27, 9, 42, 0, 0, app.DefaultRules().Location)

// demoScreen returns the console of window 2 of hall info, not signed in, with no hub behind it.
func demoScreen(info app.Info) *Screen {
	return New(NewSession(nil, 2, info), Options{Now: func() time.Time { return demoNow }})
}

// serveDemo shows sc signed in, with a visitor at the window (elderly by a typed ID number, not yet
// checked), a held ticket, a help alert, the waiting counts and the day's counts.
func serveDemo(sc *Screen) {
	s, info, now := sc.s, sc.s.Info, demoNow
	called := now.Add(-3 * time.Minute)
	cur := app.Ticket{ID: 3, Label: "D004", Service: "mediation", Status: app.TicketServing, Window: 2,
		CaseCode: "7KQ2-M9XP-4HVT-W3RA-5C2D", CalledAt: &called, IssuedAt: now.Add(-40 * time.Minute),
		Priority: app.PriorityElderly, PriorityBasis: app.BasisIDTyped}
	s.mu.Lock()
	s.staff = &app.StaffSession{Staff: "王芳", Window: 2, Services: []string{"legal", "mediation"}}
	s.state = app.WindowState{ID: 2, Name: "2号窗口", Current: &cur,
		Held: []app.Ticket{{ID: 2, Label: "B011", Service: "legal", Status: app.TicketHeld}}}
	var qs []app.ServiceQueue
	for i, svc := range info.Services {
		qs = append(qs, app.ServiceQueue{Service: svc.Code, Name: svc.Name, Waiting: []int{5, 3, 0, 8}[i%4]})
	}
	s.queue = app.QueueStatus{Open: true, Services: qs}
	s.help = []app.HelpAlert{{ID: 1, Source: "大厅自助机", RaisedAt: now.Add(-time.Minute)}}
	s.mu.Unlock()
	sc.signIn.box.Hide()
	sc.main.Show()
	kase := app.Case{Code: cur.CaseCode, Service: "mediation", Category: "邻里纠纷", Status: app.CaseRegistered}
	sc.showVisitor(app.VisitorHistory{Ticket: cur, Case: &kase,
		Visitor: &app.MaskedVisitor{Name: "赵*", IDNumber: "110105********002X", Phone: "137****1234"},
		Visits:  []app.Visit{{Day: "2026-10-12", Label: "D017", Service: "mediation", Status: app.TicketDone}},
		Open: []app.Case{{Code: "4HVT-W3RA-7KQ2-M9XP-8C2E", Service: "mediation", Category: "物业服务",
			Status: app.CaseHandling}}})
	sc.form.handling.SetSelected(HandleMediation)
	sc.form.level.SetSelected("人民调解")
	sc.form.summary.SetText("邻居装修噪音扰民，多次协商未果，申请调解。")
	sc.form.followUp.SetText(now.AddDate(0, 0, 7).Format(time.DateOnly))
	sc.showStats(app.WindowStats{Called: 14, Completed: 11, Skipped: 1, Transferred: 1, AvgMinutes: 9.4, Rated: 10, Flagged: 1})
	sc.say("已叫号 D004", theme.Success)
	sc.render()
}

// restoredDemo shows sc's header after a restore of the hall's database that lost records, with
// an old backlog.
func restoredDemo(sc *Screen) {
	sc.showSync(hub.SyncState{Configured: true, Backlog: 128, Stale: true, Lost: 12})
	sc.render()
}

// screenshots renders the console of hall info into dir.
func screenshots(dir string, info app.Info) error {
	return shoot(info, func(name string, w fyne.Window) error {
		return shottest.Save(w, filepath.Join(dir, "console-"+name+".png"))
	})
}

// shoot shows the console of hall info at 1366×768 scene after scene and hands each to shot with
// its name: signin, pin, serving, restored, bookings and offline.
func shoot(info app.Info, shot func(name string, w fyne.Window) error) error {
	test.NewApp().Settings().SetTheme(theme.Staff())
	sc := demoScreen(info)
	w := test.NewWindow(sc.Content())
	defer w.Close()
	w.SetPadded(true)
	w.Resize(smallScreen)
	if err := shot("signin", w); err != nil {
		return err
	}
	sc.pickStaff("王芳")
	sc.signIn.press("1")
	sc.signIn.press("2")
	if err := shot("pin", w); err != nil {
		return err
	}
	serveDemo(sc)
	if err := shot("serving", w); err != nil {
		return err
	}
	restoredDemo(sc)
	if err := shot("restored", w); err != nil {
		return err
	}
	sc.main.Hide()
	sc.bookings.box.Show()
	sc.showBookings(demoBookings(), nil)
	if err := shot("bookings", w); err != nil {
		return err
	}
	sc.closeBookings()
	sc.showSync(hub.SyncState{})
	s := sc.s
	s.mu.Lock()
	s.online, s.help = false, nil
	s.mu.Unlock()
	sc.say("无法连接叫号服务器，填写的内容已保留，恢复后请再按保存", theme.Alert)
	sc.render()
	return shot("offline", w)
}

// demoBookings are the day's bookings of the demo window: two slots, each status once.
func demoBookings() []app.Booking {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 27, h, m, 0, 0, app.DefaultRules().Location) }
	b := func(code, svc string, slot time.Time, st app.BookingStatus, name, phone string) app.Booking {
		return app.Booking{Code: code, Service: svc, Slot: slot, Minutes: 30, Status: st, MaskedName: name, MaskedPhone: phone}
	}
	return []app.Booking{
		b("YY01", "legal", at(9, 0), app.BookingNoShow, "陈*", "139****2231"),
		b("YY02", "mediation", at(9, 0), app.BookingCheckedIn, "王*明", "138****0000"),
		b("YY03", "legal", at(10, 0), app.BookingCheckedIn, "李*芳", "137****5120"),
		b("YY04", "mediation", at(10, 0), app.BookingBooked, "赵*", "136****8808"),
		b("YY05", "legal", at(10, 30), app.BookingCancelled, "周*红", "135****4410"),
		b("YY06", "petition", at(10, 30), app.BookingBooked, "吴*", "133****0912"),
	}
}
