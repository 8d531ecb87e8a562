package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// collectTexts returns the texts drawn under o, widgets through their renderers.
func collectTexts(o fyne.CanvasObject) []string {
	var out []string
	switch x := o.(type) {
	case *canvas.Text:
		out = append(out, x.Text)
	case *fyne.Container:
		for _, c := range x.Objects {
			out = append(out, collectTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = append(out, collectTexts(c)...)
		}
	}
	return out
}

// TestBookingsPage: a signed-in window opens 今日预约 from the header and sees its services'
// bookings of the day by slot, names masked, with their status; another window's service is not
// listed.
func TestBookingsPage(t *testing.T) {
	h0 := newHall(t)
	ctx := context.Background()
	slot := time.Now().Truncate(30 * time.Minute)
	for i, b := range []app.Booking{
		{Code: "YY01", Service: "legal", Slot: slot, Status: app.BookingBooked, MaskedName: "王小明"},
		{Code: "YY02", Service: "legal", Slot: slot, Status: app.BookingCancelled, MaskedName: "李四"},
		{Code: "YY03", Service: "mediation", Slot: slot.Add(30 * time.Minute), Status: app.BookingBooked, MaskedName: "赵六"},
	} {
		b.Minutes, b.MaskedPhone, b.CreatedAt = 30, "13800001234", slot.Add(-time.Duration(i)*time.Hour)
		if _, err := h0.con.ApplyBooking(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h0.con.CheckInBooking(ctx, app.BookingCheckIn{Code: "YY01"}); err != nil {
		t.Fatal(err)
	}
	h := newConsole(t, h0.window, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.sc.header.bookingsBtn)
	p := &h.sc.bookings
	if !p.box.Visible() || h.sc.main.Visible() {
		t.Fatal("the page did not open")
	}
	h.until(t, "listing the bookings", func() bool { return len(p.list.Objects) > 0 })
	got := strings.Join(collectTexts(p.box), "\n")
	loc := testInfo().Location()
	for _, want := range []string{slot.In(loc).Format("15:04") + "–" + slot.Add(30*time.Minute).In(loc).Format("15:04") + " · 2 人",
		"王*明", "已签到", "李*", "已取消", "138****1234", "已签到 1，待签到 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "赵*") || strings.Contains(got, "王小明") {
		t.Errorf("the page lacks the next slot's booking or shows a name unmasked:\n%s", got)
	}
	test.Tap(p.back)
	if p.box.Visible() || !h.sc.main.Visible() {
		t.Error("返回叫号 did not go back")
	}
}

func TestBookingSlots(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 2, h, m, 0, 0, loc) }
	list := []app.Booking{
		{Code: "1", Service: "legal", Slot: at(9, 0), Minutes: 30},
		{Code: "2", Service: "hotline", Slot: at(9, 0), Minutes: 30},
		{Code: "3", Service: "legal", Slot: at(9, 0), Minutes: 30},
		{Code: "4", Service: "mediation", Slot: at(10, 30), Minutes: 60},
	}
	got := bookingSlots(list, []string{"legal", "mediation"}, loc)
	if len(got) != 2 || got[0].Start != "09:00" || got[0].End != "09:30" || len(got[0].Bookings) != 2 ||
		got[1].Start != "10:30" || got[1].End != "11:30" || got[1].Bookings[0].Code != "4" {
		t.Fatalf("slots %+v", got)
	}
}
