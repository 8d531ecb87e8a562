package console

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/screens/theme"
)

// priorityNames are the priorities as staff say them.
var priorityNames = map[app.Priority]string{
	app.PriorityElderly:  "长者",
	app.PriorityPregnant: "孕妇",
	app.PriorityDisabled: "残疾",
}

// priorityText says why ticket t is called first and on what grounds, e.g. 优先：长者（手输身份证，
// 未核验）; "" for a normal ticket. An elderly priority from a card-read ID number was checked by
// the reader; one from a typed number is 未核验, and 孕妇 or 残疾 is the visitor's own word (自述),
// until the window confirms it (已核验).
func priorityText(t app.Ticket) string {
	switch t.Priority {
	case app.PriorityNone:
		return ""
	case app.PriorityStaff:
		return "优先：工作人员设定"
	}
	name, ok := priorityNames[t.Priority]
	if !ok {
		name = t.Priority.Label()
	}
	var notes []string
	switch t.PriorityBasis {
	case app.BasisIDCard:
		return "优先：" + name + "（身份证核验）"
	case app.BasisIDTyped:
		notes = append(notes, "手输身份证")
	case app.BasisDeclared:
		notes = append(notes, "自述")
	}
	switch {
	case t.PriorityVerified:
		notes = append(notes, "已核验")
	case t.PriorityBasis != app.BasisDeclared:
		notes = append(notes, "未核验")
	}
	return "优先：" + name + "（" + strings.Join(notes, "，") + "）"
}

// unchecked reports whether ticket t has a priority nobody has checked yet: staff confirm it
// with 核验.
func unchecked(t *app.Ticket) bool {
	return t != nil && t.Priority != app.PriorityNone && !t.PriorityVerified
}

// typedID reports whether ticket t's visitor typed their ID number and nobody has checked the card
// yet. Only an elderly priority records where the number came from; for other tickets the hub
// does not say.
func typedID(t *app.Ticket) bool {
	return t != nil && t.PriorityBasis == app.BasisIDTyped && !t.PriorityVerified
}

// buildPriority makes the current ticket's priority line and its 核验 button, shown beside the
// ticket's number.
func (sc *Screen) buildPriority() fyne.CanvasObject {
	q := &sc.queue
	q.priority = text("", theme.Ink, 17, true)
	q.confirmBtn = widget.NewButton("核验", func() { sc.confirmPriority() })
	q.confirmBtn.Importance = widget.WarningImportance
	sc.buttons[ActConfirm] = q.confirmBtn
	return container.NewVBox(layout.NewSpacer(), q.priority, q.confirmBtn, layout.NewSpacer())
}

// renderPriority draws the current ticket's priority with its basis, the 核验 button while it is
// unchecked, and 身份未核验 beside the visitor whose ID number was typed.
func (sc *Screen) renderPriority(cur *app.Ticket) {
	q := &sc.queue
	q.priority.Text, q.priority.Color = "", theme.Ink
	if cur != nil {
		q.priority.Text = priorityText(*cur)
	}
	if unchecked(cur) {
		q.priority.Color = theme.Warning
		q.confirmBtn.Show()
	} else {
		q.confirmBtn.Hide()
	}
	q.priority.Refresh()

	v := &sc.visitor
	if typedID(cur) && v.history != nil && v.history.Visitor != nil {
		v.idNote.Show()
	} else {
		v.idNote.Hide()
	}
}

// confirmPriority records that the staff member checked the current visitor's card or
// declaration: the ticket's priority is then shown as 已核验.
func (sc *Screen) confirmPriority() {
	var tk app.Ticket
	sc.run(ActConfirm, sc.queue.confirmBtn, func(ctx context.Context) error {
		var err error
		tk, err = sc.s.ConfirmPriority(ctx)
		return err
	}, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
			return
		}
		sc.say(tk.Label+" 优先资格已核验", theme.Success)
	})
}

// identityNote is what the visitor panel says of an identity from a typed ID number.
const identityNote = "身份未核验（身份证号为手输，请查看证件）"

// newIdentityNote returns the visitor panel's 身份未核验 line, hidden.
func newIdentityNote() *canvas.Text {
	t := text(identityNote, theme.Warning, 16, true)
	t.Hide()
	return t
}
