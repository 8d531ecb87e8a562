package kiosk

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"fengqiao/app"
	"fengqiao/printing"
	kt "fengqiao/screens/theme"
)

// bookingCode reads a scanned booking code (the booking's QR holds only its code, e.g.
// YK7M3Q9P2): 4 to 32 letters and digits, upper-cased, the dashes that group it dropped.
func bookingCode(s string) (string, bool) {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(c) < 4 || len(c) > 32 {
		return "", false
	}
	for _, r := range c {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
			return "", false
		}
	}
	return c, true
}

// startCheckIn checks the booking with the code in.
func (f *Flow) startCheckIn(code string) Action {
	zero(f.S.Code)
	f.S.Code = []byte(code)
	f.goTo(StepBusy)
	return ActCheckIn
}

// CardBookingLoaded offers the card holder's booking of the day (预约签到), answered for gen.
func (f *Flow) CardBookingLoaded(gen uint64, b app.Booking) {
	if gen != f.Gen || !f.S.FromCard || f.Step != StepService {
		return
	}
	f.S.Booking = &b
}

// CheckInBooked checks the card holder's booking in: the one tap of 预约签到.
func (f *Flow) CheckInBooked() Action {
	f.Touch()
	if f.S.Booking == nil {
		return ActNone
	}
	return f.startCheckIn(f.S.Booking.Code)
}

// CheckInRequest is the check-in for the hub: the code, and the card's identity when read.
func (f *Flow) CheckInRequest() app.BookingCheckIn {
	req := app.BookingCheckIn{Code: string(f.S.Code)}
	if f.S.FromCard && len(f.S.IDNumber) > 0 {
		req.Visitor = &app.Visitor{IDNumber: string(f.S.IDNumber), Name: f.S.Name, FromCard: true}
		req.Source = app.SourceCard
	}
	return req
}

// CheckedIn shows what the check-in came to: the ticket, or why there is none.
func (f *Flow) CheckedIn(gen uint64, res app.CheckInResult, printErr error) {
	if gen != f.Gen {
		return
	}
	if res.Ticket != nil {
		f.S.CheckIn = &res
		f.S.Service = res.Booking.Service
		f.Issued(gen, *res.Ticket, printErr)
		return
	}
	f.S.Notice = f.checkInNotice(res)
	f.replace(StepMessage)
	f.Touch()
}

// unknownBooking is the notice for a code the hall does not know.
var unknownBooking = Notice{Title: "没有查到这个预约",
	Body: "请核对手机上的预约码是否是本大厅的、是否已经改约。\n也可以直接点首页上的事项取号排队。"}

// CheckInFailed shows why the hub refused a check-in or could not be reached.
func (f *Flow) CheckInFailed(gen uint64, err error) {
	if gen == f.Gen && app.ErrorCode(err) == app.ENOTFOUND {
		f.S.Notice = unknownBooking
		f.replace(StepMessage)
		f.Touch()
		return
	}
	f.Failed(gen, err)
}

// checkInNotice explains a check-in that issued no ticket, with the times in the hall's zone.
func (f *Flow) checkInNotice(res app.CheckInResult) Notice {
	loc := f.Info.Location()
	b := res.Booking
	when := b.Slot.In(loc).Format("1月2日 15:04")
	what := when
	if s, ok := f.Info.Service(b.Service); ok {
		what += "（" + s.Name + "）"
	}
	switch res.Outcome {
	case app.CheckInEarly:
		return Notice{Title: "还没到签到时间",
			Body: "您预约的是 " + what + "。\n请在 " + b.OpensAt().In(loc).Format("15:04") + " 以后来签到，签到后 " +
				b.Slot.In(loc).Format("15:04") + " 起叫号。"}
	case app.CheckInNotToday:
		return Notice{Title: "不是今天的预约", Body: "您预约的是 " + what + "。\n请在预约当天来签到；今天要办，可以直接取号排队。"}
	case app.CheckInCancelled:
		return Notice{Title: "这个预约已经取消了", Body: "如果今天要办，请直接点首页上的事项取号排队。"}
	case app.CheckInUsed:
		if b.Status == app.BookingNoShow {
			return Notice{Title: "这个预约已经过时", Body: "预约时间 " + what + " 已过。\n请直接点首页上的事项取号排队。"}
		}
		return Notice{Title: "这个预约已经签到过了", Body: "请留意大厅屏幕和叫号，凭签到时的号码办理。"}
	}
	return Notice{Title: "没有办成", Body: "请再试一次。如果还不行，请按「呼叫工作人员」。", Fault: true}
}

// checkInBookingLabel is the one tap that checks a card holder's booking in.
const checkInBookingLabel = "预约签到"

// findCardBooking asks the hub for the card holder's booking of the day, to offer 预约签到.
func (k *Kiosk) findCardBooking(gen uint64, id string) {
	if k.flow.Step != StepService {
		return
	}
	k.async(func(ctx context.Context) func() {
		b, err := k.opts.Hall.CardBooking(ctx, id)
		return func() {
			if err != nil {
				if app.ErrorCode(err) != app.ENOTFOUND {
					k.log.Warn("kiosk: card booking", "err", err)
				}
				return
			}
			k.flow.CardBookingLoaded(gen, b)
			k.render()
		}
	})
}

// checkIn checks the session's booking in and prints the ticket it gets.
func (k *Kiosk) checkIn(gen uint64) {
	req := k.flow.CheckInRequest()
	masked := ""
	if req.Visitor != nil {
		masked = app.MaskName(req.Visitor.Name)
	}
	k.async(func(ctx context.Context) func() {
		res, err := k.opts.Hall.CheckInBooking(ctx, req)
		if err != nil {
			return func() {
				k.log.Info("kiosk: check-in refused", "code", app.ErrorCode(err))
				k.flow.CheckInFailed(gen, err)
				k.render()
			}
		}
		var printErr error
		if res.Ticket != nil {
			printErr = k.printTicket(ctx, *res.Ticket, k.serviceName(res.Ticket.Service), masked)
		}
		return func() {
			k.log.Info("kiosk: booking checked in", "outcome", res.Outcome)
			k.flow.CheckedIn(gen, res, printErr)
			k.render()
		}
	})
}

// printTicket prints a ticket's receipt; a booked ticket's is marked 预约 with its slot.
func (k *Kiosk) printTicket(ctx context.Context, t app.Ticket, service, maskedName string) error {
	if k.opts.Printer == nil {
		return ErrNoPrinter
	}
	r := printing.Receipt{
		Hall: k.opts.Info.Name, Service: service, Ticket: t.Label, Ahead: t.Ahead,
		Issued: t.IssuedAt.In(k.opts.Location), WaitAt: k.opts.Info.WaitArea, MaskedName: maskedName,
		CaseCode: t.CaseCode, PublicURL: k.opts.Info.PublicURL, HallPhone: k.opts.Info.Phone,
	}
	if t.Booked() {
		r.Slot = t.Slot.In(k.opts.Location)
	}
	err := k.opts.Printer.PrintReceipt(ctx, r)
	if err != nil {
		k.log.Warn("kiosk: receipt not printed", "ticket", t.Label, "err", err)
	}
	return err
}

// bookingOffer is the 预约签到 button over the service grid for a card holder booked today.
func (k *Kiosk) bookingOffer() fyne.CanvasObject {
	b := k.flow.S.Booking
	if b == nil {
		return nil
	}
	b2 := k.body()
	line := fmt.Sprintf("您今天预约了 %s %s", b.Slot.In(k.opts.Location).Format("15:04"), k.serviceName(b.Service))
	tap := k.primary(checkInBookingLabel, func() {
		a := k.flow.CheckInBooked()
		k.render()
		k.act(a)
	})
	// The one tap of a booked resident: as large as a service tile's height allows.
	return card(container.NewBorder(nil, nil, nil, withMin(b2*7, b2*2.6, tap), text(line, b2*1.2, kt.Navy)), b2*0.4, b2*0.3)
}

// bookedLines are the result screen's lines of a checked-in booking: the 预约 mark and when the
// ticket is called, or that a late arrival queues as a walk-in.
func (k *Kiosk) bookedLines(t *app.Ticket) fyne.CanvasObject {
	b := k.body()
	if t.Booked() {
		slot := t.Slot.In(k.opts.Location)
		lines := container.NewVBox(text("预约号 · "+slot.Format("15:04")+" 起优先叫号", b*1.1, kt.Success))
		if k.opts.Now().Before(*t.Slot) { // on a line of its own: the two together outgrow the elderly mode's width
			lines.Add(text("请先在等候区休息", b*1.1, kt.Success))
		}
		return lines
	}
	if ci := k.flow.S.CheckIn; ci != nil && ci.Outcome == app.CheckInLate {
		return k.noticeBox(Notice{Title: "已超过预约时间",
			Body: "预约时间 " + ci.Booking.Slot.In(k.opts.Location).Format("15:04") + " 已过，这张号按普通号排队。"})
	}
	return nil
}
