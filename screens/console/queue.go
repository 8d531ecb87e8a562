package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/printing"
	"fengqiao/screens/theme"
)

// queuePanel is the console's left side: the current ticket, the queue actions, the held
// tickets, the waiting counts and the window's counts for the day.
type queuePanel struct {
	current     *canvas.Text // the current ticket's label
	currentInfo *canvas.Text // its status and service
	priority    *canvas.Text // its priority with the basis: priorityText
	confirmBtn  *widget.Button
	transferTo  *widget.Select
	number      *keyEntry // a ticket to call out of turn
	numberBtn   *widget.Button
	reprintBtn  *widget.Button
	message     *canvas.Text // what the last action did, or why it failed
	held        *fyne.Container
	waiting     *fyne.Container
	stats       [2]*canvas.Text // the day's counts, two lines
}

// actionLabels are the buttons' texts.
var actionLabels = map[Action]string{
	ActCall: "F1 叫号", ActRecall: "F2 重呼", ActSkip: "F3 过号", ActTransfer: "F4 转移", ActHold: "F5 挂起",
	ActPause: "F6 暂停", ActStart: "F7 开始办理", ActComplete: "F9 完成",
}

// actionOrder is the order of the action buttons.
var actionOrder = []Action{ActCall, ActRecall, ActSkip, ActTransfer, ActHold, ActPause, ActStart, ActComplete}

// buildQueue makes the queue panel.
func (sc *Screen) buildQueue() fyne.CanvasObject {
	q := &sc.queue
	q.current = text("—", theme.Navy, 56, true)
	q.currentInfo = text("尚未叫号", theme.Muted, 18, false)
	grid := container.NewGridWithColumns(4)
	for _, a := range actionOrder {
		b := widget.NewButton(actionLabels[a], func() { sc.press(a) })
		b.Importance = widget.HighImportance
		if a == ActComplete {
			b.Importance = widget.SuccessImportance
		}
		sc.buttons[a] = b
		grid.Add(b)
	}
	var svcNames []string
	for _, svc := range sc.s.Info.Services {
		svcNames = append(svcNames, svc.Name)
	}
	q.transferTo = widget.NewSelect(svcNames, nil)
	q.transferTo.PlaceHolder = "转移到的业务"
	q.number = newKeyEntry(false)
	q.number.SetPlaceHolder("号码，如 A012")
	q.number.onKey = sc.key
	q.number.OnSubmitted = func(string) { sc.press(ActNumber) }
	q.numberBtn = widget.NewButton("指定叫号", func() { sc.press(ActNumber) })
	sc.buttons[ActNumber] = q.numberBtn
	q.reprintBtn = widget.NewButton("补打凭条", func() { sc.reprint() })
	sc.buttons[ActReprint] = q.reprintBtn
	reprint := outlined(q.reprintBtn)
	if sc.opt.Print == nil {
		reprint.Hide()
	}
	q.held = container.NewVBox()
	q.waiting = container.NewVBox()
	q.stats = [2]*canvas.Text{text("", theme.Ink, 16, false), text("", theme.Ink, 16, false)}
	q.message = text("", theme.Muted, 17, true)

	return container.NewVBox(
		heading("当前号码"),
		container.NewBorder(nil, nil, container.NewHBox(q.current, layout.NewSpacer()), nil, sc.buildPriority()),
		q.currentInfo,
		grid,
		widget.NewForm(
			widget.NewFormItem("转移到", q.transferTo),
			widget.NewFormItem("指定叫号", container.NewBorder(nil, nil, nil, q.numberBtn, q.number)),
		),
		q.message,
		widget.NewSeparator(),
		heading("挂起的号码"), q.held,
		widget.NewSeparator(),
		heading("等候人数"), q.waiting,
		widget.NewSeparator(),
		heading("本窗口今日"), q.stats[0], q.stats[1],
		reprint,
	)
}

// renderQueue draws the current ticket, the pause button, the held tickets and the waiting counts.
func (sc *Screen) renderQueue(st app.WindowState) {
	q := &sc.queue
	if st.Current != nil {
		q.current.Text = st.Current.Label
		q.currentInfo.Text = st.Current.Status.Label() + " · " + sc.serviceName(st.Current.Service)
	} else {
		q.current.Text = "—"
		q.currentInfo.Text = "尚未叫号"
		if st.Paused {
			q.currentInfo.Text = "窗口已暂停"
		}
	}
	q.current.Refresh()
	q.currentInfo.Refresh()
	if st.Paused {
		sc.buttons[ActPause].SetText("F6 恢复叫号")
	} else {
		sc.buttons[ActPause].SetText("F6 暂停")
	}

	rows := []fyne.CanvasObject{}
	for _, h := range st.Held {
		label := h.Label
		rows = append(rows, container.NewBorder(nil, nil, widget.NewLabel(label+" · "+sc.serviceName(h.Service)), outlined(widget.NewButton("恢复", func() {
			sc.resume(label)
		}))))
	}
	if len(rows) == 0 {
		rows = append(rows, text("无", theme.Muted, 16, false))
	}
	q.held.Objects = rows
	q.held.Refresh()

	served := sc.servedServices()
	wrows := []fyne.CanvasObject{}
	for i, sq := range sc.s.Queue().Services {
		if !served[sq.Service] {
			continue
		}
		dot := canvas.NewRectangle(theme.ServiceColour(i))
		dot.SetMinSize(fyne.NewSize(8, 20))
		wrows = append(wrows, container.NewBorder(nil, nil, container.NewHBox(dot, text(sq.Name, theme.Ink, 17, false)),
			text(strconv.Itoa(sq.Waiting)+" 人", theme.Navy, 18, true)))
	}
	q.waiting.Objects = wrows
	q.waiting.Refresh()
}

// press performs a queue action.
func (sc *Screen) press(a Action) {
	if sc.s.Staff() == nil {
		return
	}
	arg := ""
	switch a {
	case ActTransfer:
		code := ""
		for _, svc := range sc.s.Info.Services {
			if svc.Name == sc.queue.transferTo.Selected {
				code = svc.Code
			}
		}
		if code == "" {
			sc.say("请先在“转移到”中选择业务", theme.Warning)
			return
		}
		arg = code
	case ActNumber:
		arg = strings.ToUpper(strings.TrimSpace(sc.queue.number.Text))
		if arg == "" {
			sc.say("请输入要叫的号码", theme.Warning)
			return
		}
	}
	var tk app.Ticket
	sc.run(a, sc.buttons[a], func(ctx context.Context) error {
		var err error
		tk, err = sc.s.Do(ctx, a, arg)
		if !errors.Is(err, hub.ErrUnreachable) {
			sc.s.Refresh(ctx)
		}
		return err
	}, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
			return
		}
		if a == ActNumber {
			sc.queue.number.SetText("")
		}
		sc.say(doneText(a, tk, sc.s.State().Paused), theme.Success)
		sc.afterTicketChange()
		sc.loadStats()
	})
}

// doneText says what action a did to ticket tk.
func doneText(a Action, tk app.Ticket, paused bool) string {
	switch a {
	case ActCall, ActNumber:
		return "已叫号 " + tk.Label
	case ActRecall:
		return "已重呼 " + tk.Label
	case ActSkip:
		return tk.Label + " 已过号"
	case ActTransfer:
		return tk.Label + " 已转移"
	case ActHold:
		return tk.Label + " 已挂起"
	case ActResume:
		return tk.Label + " 已恢复"
	case ActStart:
		return tk.Label + " 开始办理"
	case ActComplete:
		return tk.Label + " 已完成"
	case ActPause:
		if paused {
			return "窗口已暂停叫号"
		}
		return "窗口已恢复叫号"
	}
	return "完成"
}

// servedServices returns the services of the signed-in session (or the window's).
func (sc *Screen) servedServices() map[string]bool {
	codes := sc.s.WindowServices()
	if st := sc.s.Staff(); st != nil {
		codes = st.Services
	}
	m := map[string]bool{}
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// resume calls a held ticket back.
func (sc *Screen) resume(label string) {
	sc.run(ActResume, nil, func(ctx context.Context) error {
		_, err := sc.s.Do(ctx, ActResume, label)
		if err == nil {
			sc.s.Refresh(ctx)
		}
		return err
	}, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
			return
		}
		sc.say(label+" 已恢复", theme.Success)
		sc.afterTicketChange()
	})
}

// reprint prints the current ticket's receipt again (补打).
func (sc *Screen) reprint() {
	cur := sc.s.State().Current
	if cur == nil || sc.opt.Print == nil {
		return
	}
	r := printing.Receipt{Hall: sc.s.Info.Name, Service: sc.serviceName(cur.Service), Ticket: cur.Label, Ahead: cur.Ahead,
		Issued: cur.IssuedAt, WaitAt: sc.s.Info.WaitArea, CaseCode: cur.CaseCode, PublicURL: sc.s.Info.PublicURL,
		HallPhone: sc.s.Info.Phone, Reprint: true}
	if sc.visitor.history != nil && sc.visitor.history.Visitor != nil {
		r.MaskedName = sc.visitor.history.Visitor.Name
	}
	sc.run(ActReprint, sc.queue.reprintBtn, func(ctx context.Context) error { return sc.opt.Print(ctx, r) }, func(err error) {
		if err != nil {
			slog.Warn("reprint failed", "err", err)
			sc.say("补打失败，请检查打印机", theme.Alert)
			return
		}
		sc.say(cur.Label+" 凭条已补打", theme.Success)
	})
}

// loadStats fetches the window's counts for the day in the background and shows them.
func (sc *Screen) loadStats() {
	sc.background(func(ctx context.Context) func() {
		st, err := sc.s.Stats(ctx)
		if err != nil {
			return nil
		}
		return func() { sc.showStats(st) }
	})
}

func (sc *Screen) showStats(st app.WindowStats) {
	q := &sc.queue
	q.stats[0].Text = fmt.Sprintf("叫号 %d · 完成 %d · 过号 %d · 转移 %d", st.Called, st.Completed, st.Skipped, st.Transferred)
	q.stats[1].Text = fmt.Sprintf("平均办理 %.1f 分钟 · 评价 %d（不满意 %d）", st.AvgMinutes, st.Rated, st.Flagged)
	q.stats[0].Refresh()
	q.stats[1].Refresh()
}
