package kiosk

import (
	"encoding/base64"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
)

// book stores a booking of the legal service as the centre would send it.
func (e *env) book(code string, slot time.Time, status app.BookingStatus, idHash string) {
	e.t.Helper()
	if _, err := e.store.ApplyBooking(e.ctx, app.Booking{Code: code, Service: "legal", Slot: slot, Minutes: 30,
		Status: status, MaskedName: "王*明", MaskedPhone: "138****0000", IDHash: idHash, CreatedAt: slot.Add(-time.Hour)}); err != nil {
		e.t.Fatal(err)
	}
}

// receiptText returns the text of the last receipt printed, or "" without pdftotext.
func (e *env) receiptText() string {
	e.t.Helper()
	pdf := e.pdf.Last()
	if pdf == "" {
		e.t.Fatal("no receipt written")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return ""
	}
	out, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		e.t.Fatal(err)
	}
	return string(out)
}

// TestBookingCheckInByQR scans booking QRs with the serial scanner (simulated over a pty), as a
// resident shows them from their phone: each outcome in plain words, and a booked ticket printed
// with its 预约 mark.
func TestBookingCheckInByQR(t *testing.T) {
	for _, mode := range []string{"store", "http"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOpts{http: mode == "http"})
			now := e.now // 10:00
			e.book("YYOK0001", now.Add(20*time.Minute), app.BookingBooked, "")
			e.book("YYEARLY1", now.Add(2*time.Hour), app.BookingBooked, "")
			e.book("YYTMRW01", now.Add(24*time.Hour), app.BookingBooked, "")
			e.book("YYCANCEL", now.Add(30*time.Minute), app.BookingCancelled, "")
			e.book("YYLATE01", now.Add(-30*time.Minute), app.BookingBooked, "")

			sim, err := scannersim.New(scannersim.Options{Link: filepath.Join(t.TempDir(), "scanner")})
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			e.k.WatchDevices(e.ctx, nil, scanner.New(scanner.Config{Port: sim.Path(), Logger: quiet()}))
			e.waitFor("the scanner", func() bool { return e.k.scannerOK })
			scan := func(code string) {
				t.Helper()
				if err := sim.Scan(code); err != nil {
					t.Fatal(err)
				}
			}

			scan("yyok0001")
			e.step(StepResult)
			tk := e.k.flow.S.Ticket
			if tk == nil || !tk.Booked() || !e.has(tk.Label) || !e.has("预约号 · 10:20 起优先叫号") {
				t.Fatalf("result screen: %q", e.texts())
			}
			if txt := e.receiptText(); txt != "" && (!strings.Contains(txt, "预约 10:20") || !strings.Contains(txt, tk.Label)) {
				t.Fatalf("receipt %q lacks the 预约 mark or the number", txt)
			}
			e.tap("完成")
			e.step(StepHome)

			messages := []struct{ code, title, detail string }{
				{"YYEARLY1", "还没到签到时间", "请在 11:00 以后来签到"},
				{"YYTMRW01", "不是今天的预约", "6月4日 10:00（法律咨询）"},
				{"YYCANCEL", "这个预约已经取消了", "直接点首页上的事项取号"},
				{"YYNOPE99", "没有查到这个预约", "请核对手机上的预约码"},
				{"YYOK0001", "这个预约已经签到过了", "请留意大厅屏幕和叫号"},
			}
			for _, m := range messages {
				scan(m.code)
				e.waitFor(m.title, func() bool { return e.k.flow.Step == StepMessage && e.has(m.title) })
				if !e.has(m.detail) {
					t.Fatalf("%s: message %q lacks %q", m.code, e.texts(), m.detail)
				}
				e.tap("回到首页")
				e.step(StepHome)
			}

			// Late beyond the grace time: a walk-in ticket, and the screen says so.
			scan("YYLATE01")
			e.step(StepResult)
			if tk := e.k.flow.S.Ticket; tk == nil || tk.Booked() || !e.has("已超过预约时间") || !e.has("这张号按普通号排队") {
				t.Fatalf("late arrival: %+v, screen %q", tk, e.texts())
			}
			if txt := e.receiptText(); strings.Contains(txt, "预约") {
				t.Fatalf("a walk-in receipt is marked 预约: %q", txt)
			}
		})
	}
}

// TestBookingCheckInByCard places the ID card of a resident booked today on the simulated
// reader (over a pty): the service screen offers 预约签到, one tap checks them in.
func TestBookingCheckInByCard(t *testing.T) {
	for _, mode := range []string{"store", "http"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOpts{http: mode == "http"})
			e.store.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2,
				PerService: map[string]int{"legal": 1}, GraceMinutes: 15})
			plan, err := e.store.BookingPlan(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			key, _ := base64.StdEncoding.DecodeString(plan.IDKey)
			card := idcardsim.TestIdentity()
			e.book("YYCARD01", e.now.Add(30*time.Minute), app.BookingBooked, app.IDHash(key, card.Number))
			sim := e.reader()

			if err := sim.Place(card); err != nil {
				t.Fatal(err)
			}
			e.step(StepService)
			e.waitFor("the 预约签到 offer", func() bool { return e.has("您今天预约了 10:30 法律咨询") })
			e.tap(checkInBookingLabel)
			e.step(StepResult)
			tk := e.k.flow.S.Ticket
			if tk == nil || tk.Booking != "YYCARD01" || !e.has("预约号 · 10:30 起优先叫号") || !e.has("请先在等候区休息") {
				t.Fatalf("result: %+v, screen %q", tk, e.texts())
			}
			if txt := e.receiptText(); txt != "" && (!strings.Contains(txt, "预约 10:30") || !strings.Contains(txt, "王*明")) {
				t.Fatalf("receipt %q", txt)
			}
			list, err := e.store.TodayBookings(e.ctx)
			if err != nil || len(list) != 1 || list[0].Status != app.BookingCheckedIn {
				t.Fatalf("bookings after check-in: %+v, %v", list, err)
			}
		})
	}
}
