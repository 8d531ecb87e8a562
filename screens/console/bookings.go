package console

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/screens/theme"
)

// bookingsPage is the console's page of the day's appointments (今日预约) for the services of the
// window: one block per slot, each booking with its masked name and status.
type bookingsPage struct {
	box  *fyne.Container
	list *fyne.Container
	note *canvas.Text
	back *widget.Button
}

// bookingLister is what a hub client offers for bookings (hub.Client does).
type bookingLister interface {
	TodayBookings(ctx context.Context) ([]app.Booking, error)
}

// bookingsTitle is the page's name, on its button in the header and over the page.
const bookingsTitle = "今日预约"

// buildBookingsPage makes the page, hidden.
func (sc *Screen) buildBookingsPage() fyne.CanvasObject {
	p := &sc.bookings
	var band fyne.CanvasObject
	p.back, band = sideBand(sc.s.Info.Name+" · "+sc.s.WindowName()+" · "+bookingsTitle, func() { sc.closeBookings() })
	p.note = text("", theme.Muted, 18, false)
	p.list = container.NewVBox()
	p.box = sidePage(band, card(container.NewBorder(p.note, nil, nil, nil, container.NewVScroll(p.list))))
	return p.box
}

// openBookings shows the page and loads the day's bookings.
func (sc *Screen) openBookings() {
	sc.openSide(sc.bookings.box)
	bl, ok := sc.s.Client().(bookingLister)
	if !ok {
		return
	}
	sc.background(func(ctx context.Context) func() {
		list, err := bl.TodayBookings(ctx)
		sc.s.note(err)
		return func() { sc.showBookings(list, err) }
	})
}

// closeBookings goes back to the queue.
func (sc *Screen) closeBookings() { sc.closeSide(sc.bookings.box) }

// slotBookings are the bookings of one slot.
type slotBookings struct {
	Start    string // 10:00
	End      string // 10:30
	Bookings []app.Booking
}

// bookingSlots groups the bookings of the given services by slot, in slot order, with times in
// loc.
func bookingSlots(list []app.Booking, services []string, loc *time.Location) []slotBookings {
	var out []slotBookings
	for _, b := range list {
		if !slices.Contains(services, b.Service) {
			continue
		}
		start := b.Slot.In(loc).Format("15:04")
		end := b.Slot.Add(time.Duration(b.Minutes) * time.Minute).In(loc).Format("15:04")
		if n := len(out); n == 0 || out[n-1].Start != start {
			out = append(out, slotBookings{Start: start, End: end})
		}
		out[len(out)-1].Bookings = append(out[len(out)-1].Bookings, b)
	}
	return out
}

// bookingColor is a booking status's colour on the page.
func bookingColor(s app.BookingStatus) color.Color {
	switch s {
	case app.BookingCheckedIn:
		return theme.Success
	case app.BookingNoShow:
		return theme.Alert
	case app.BookingCancelled:
		return theme.Muted
	}
	return theme.Ink
}

// showBookings lists the day's bookings of the window's services by slot.
func (sc *Screen) showBookings(list []app.Booking, err error) {
	p := &sc.bookings
	p.list.Objects = nil
	slots := bookingSlots(list, sc.s.WindowServices(), sc.s.Info.Location())
	counts, total := map[app.BookingStatus]int{}, 0
	for _, s := range slots {
		total += len(s.Bookings)
		for _, b := range s.Bookings {
			counts[b.Status]++
		}
	}
	switch {
	case err != nil:
		p.note.Text, p.note.Color = errText(err), theme.Alert
	case len(slots) == 0:
		p.note.Text, p.note.Color = "本窗口今天没有预约", theme.Muted
	default:
		p.note.Text, p.note.Color = fmt.Sprintf("本窗口今天预约 %d 人：已签到 %d，待签到 %d，未到 %d，已取消 %d",
			total,
			counts[app.BookingCheckedIn], counts[app.BookingBooked], counts[app.BookingNoShow], counts[app.BookingCancelled]), theme.Ink
	}
	p.note.Refresh()
	for _, s := range slots {
		p.list.Add(heading(fmt.Sprintf("%s–%s · %d 人", s.Start, s.End, len(s.Bookings))))
		for _, b := range s.Bookings {
			row := container.NewGridWithColumns(4, text(b.MaskedName, theme.Ink, 20, true),
				text(sc.serviceName(b.Service), theme.Ink, 18, false), text(b.MaskedPhone, theme.Muted, 18, false),
				text(b.Status.Label(), bookingColor(b.Status), 20, true))
			p.list.Add(container.New(layout.NewCustomPaddedLayout(4, 4, 24, 8), row))
		}
		p.list.Add(widget.NewSeparator())
	}
	p.list.Refresh()
}
