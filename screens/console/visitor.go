package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/screens/theme"
)

// visitorPanel is the top of the console's right side: the current visitor, masked, with an
// audited full view, and their earlier visits and open cases.
type visitorPanel struct {
	identity  *widget.Label // the masked identity
	idNote    *canvas.Text  // 身份未核验, for an ID number typed at the kiosk
	revealBtn *widget.Button
	full      *canvas.Text    // the full identity, once revealed
	visits    *fyne.Container // earlier visits and open cases
	history   *app.VisitorHistory
	ticket    int64 // id of the ticket whose visitor is shown
}

// buildVisitor makes the visitor panel.
func (sc *Screen) buildVisitor() fyne.CanvasObject {
	v := &sc.visitor
	v.identity = widget.NewLabel("")
	v.identity.Wrapping = fyne.TextWrapWord
	v.revealBtn = widget.NewButton("查看完整信息", func() { sc.reveal() })
	sc.buttons[ActReveal] = v.revealBtn
	v.idNote = newIdentityNote()
	v.full = text("", theme.Alert, 16, true)
	v.visits = container.NewVBox()
	return container.NewVBox(
		container.NewBorder(nil, nil, heading("群众信息"), outlined(v.revealBtn), v.identity),
		v.idNote,
		v.full,
		heading("既往来访与未结案件"), v.visits,
	)
}

// maxVisitLines is how many lines of earlier visits and open cases the panel shows, so that the
// case form under it stays on a 1366×768 screen.
const maxVisitLines = 4

// afterTicketChange loads the visitor of a new current ticket, or clears the visitor side when
// the window has none. The form keeps what was typed while the ticket stays the same.
func (sc *Screen) afterTicketChange() {
	cur := sc.s.State().Current
	if cur == nil {
		sc.clearVisitor()
		return
	}
	if cur.ID == sc.visitor.ticket && sc.visitor.history != nil {
		return
	}
	id := cur.ID
	sc.background(func(ctx context.Context) func() {
		h, err := sc.s.History(ctx)
		return func() {
			if err != nil {
				if !errors.Is(err, hub.ErrUnreachable) {
					slog.Warn("visitor history failed", "err", err)
				}
				sc.render()
				return
			}
			if h.Ticket.ID != id {
				return
			}
			sc.showVisitor(h)
		}
	})
}

// clearVisitor empties the visitor panel and the case form.
func (sc *Screen) clearVisitor() {
	sc.visitor.history, sc.visitor.ticket = nil, 0
	sc.visitor.identity.SetText("当前没有办理中的群众")
	sc.visitor.full.Text = ""
	sc.visitor.full.Refresh()
	sc.visitor.visits.Objects = nil
	sc.visitor.visits.Refresh()
	sc.form.clear()
	sc.render()
}

// showVisitor shows visitor history h and fills the case form from its case.
func (sc *Screen) showVisitor(h app.VisitorHistory) {
	sc.clearVisitor()
	sc.visitor.history, sc.visitor.ticket = &h, h.Ticket.ID
	if v := h.Visitor; v != nil {
		parts := []string{}
		if v.Name != "" {
			parts = append(parts, "姓名 "+v.Name)
		}
		parts = append(parts, "证件 "+v.IDNumber)
		if v.Phone != "" {
			parts = append(parts, "电话 "+v.Phone)
		}
		sc.visitor.identity.SetText(strings.Join(parts, "　"))
	} else {
		sc.visitor.identity.SetText("未登记身份（匿名取号）")
	}
	var lines []string
	for _, c := range h.Open {
		lines = append(lines, fmt.Sprintf("未结 %s · %s · %s · %s", c.Code, sc.serviceName(c.Service), c.Category, c.Status.Label()))
	}
	for _, v := range h.Visits {
		lines = append(lines, fmt.Sprintf("%s %s · %s · %s", v.Day, v.Label, sc.serviceName(v.Service), v.Status.Label()))
	}
	if len(lines) > maxVisitLines {
		more := len(lines) - maxVisitLines + 1
		lines = append(lines[:maxVisitLines-1], fmt.Sprintf("另有 %d 条更早的记录", more))
	}
	rows := []fyne.CanvasObject{}
	for _, l := range lines {
		rows = append(rows, text(l, theme.Ink, 16, false))
	}
	if len(rows) == 0 {
		rows = append(rows, text("首次来访", theme.Muted, 16, false))
	}
	sc.visitor.visits.Objects = rows
	sc.visitor.visits.Refresh()
	if c := h.Case; c != nil {
		var categories []string
		if svc, ok := sc.s.Info.Service(c.Service); ok {
			categories = svc.Categories
		}
		sc.form.show(*c, categories)
	}
	sc.render()
}

// reveal shows the current visitor's full identity; the hub audits it.
func (sc *Screen) reveal() {
	var v app.Visitor
	sc.run(ActReveal, sc.visitor.revealBtn, func(ctx context.Context) error {
		var err error
		v, err = sc.s.Reveal(ctx)
		return err
	}, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
			return
		}
		parts := []string{v.Name, v.IDNumber}
		if v.Phone != "" {
			parts = append(parts, v.Phone)
		}
		sc.visitor.full.Text = strings.Join(parts, "　") + "（本次查看已记录）"
		sc.visitor.full.Refresh()
	})
}
