package console

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/screens/theme"
)

// casesPage is the console's page of cases worked without a visitor at the window: the cases the
// town's centre handed to this hall (镇级受理案件, docs/sync.md "Who owns a case") or assigned it
// (disputes a 网格员 registered in the village), the 重大 disputes of the village the town keeps
// (listed apart, read-only), and any case looked up by its 查询码 — a village hall sees there how
// its escalated case goes on. A case this hall owns is worked with the same case form as at the
// window, and takes follow-up records.
type casesPage struct {
	box      *fyne.Container // the page, shown instead of the queue and the visitor
	list     *fyne.Container // one big button per case this hall works
	listNote *canvas.Text
	notices  *fyne.Container // the town's cases of the village (ChangeNotice): heading and buttons, read-only
	lookup   *keyEntry       // a 查询码 typed or scanned
	open     *widget.Button
	back     *widget.Button // back to the queue

	title   *canvas.Text
	owner   *canvas.Text
	history *fyne.Container
	work    *fyne.Container // the case form and the follow-up, for a case this hall owns
	form    casePanel
	note    *keyEntry // a follow-up record (回访记录)
	addNote *widget.Button
	message *canvas.Text

	shown *app.Case
	cases map[string]*widget.Button // the list's buttons by case code
}

// Actions of the page, apart from the window's so that they never wait for each other.
const (
	ActSaveHanded Action = "save-handed" // 保存案件 on the page
	ActNoteHanded Action = "note-handed" // 记录回访 on the page
)

// handedLister is what a hub client offers for handed cases (hub.Client does).
type handedLister interface {
	HandedCases(ctx context.Context) ([]app.Case, error)
}

// casesTitle is the page's name, on its button in the header and over its list.
const casesTitle = "镇级受理案件"

// buildCasesPage makes the page, hidden.
func (sc *Screen) buildCasesPage() fyne.CanvasObject {
	p := &sc.cases
	var band fyne.CanvasObject
	p.back, band = sideBand(sc.s.Info.Name+" · "+casesTitle, func() { sc.closeCases() })

	p.list = container.NewVBox()
	p.notices = container.NewVBox()
	p.listNote = text("", theme.Muted, 16, false)
	p.lookup = newKeyEntry(false)
	p.lookup.SetPlaceHolder("输入或扫描查询码")
	p.lookup.onKey = sc.key
	p.lookup.OnSubmitted = func(string) { sc.lookupCase() }
	p.open = widget.NewButton("查询", func() { sc.lookupCase() })
	left := container.NewBorder(container.NewVBox(heading("移交本厅办理的案件"), p.listNote), container.NewVBox(widget.NewSeparator(),
		heading("按查询码查看案件"), container.NewBorder(nil, nil, nil, outlined(p.open), p.lookup)), nil, nil,
		container.NewVScroll(container.NewVBox(p.list, p.notices)))

	p.title = text("请从左侧选择案件", theme.Navy, 20, true)
	p.owner = text("", theme.Ink, 18, false)
	p.history = container.NewVBox()
	p.note = newKeyEntry(false)
	p.note.SetPlaceHolder("回访记录")
	p.note.onKey = sc.key
	p.addNote = widget.NewButton("记录回访", func() { sc.addCaseNote() })
	form := sc.newCasePanel(&p.form, func() { sc.saveShownCase() })
	p.work = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, heading("办理"), nil, p.form.code), form,
		container.NewBorder(nil, nil, nil, outlined(p.addNote), p.note))
	p.work.Hide()
	p.message = text("", theme.Muted, 18, true)
	right := container.NewVBox(p.title, p.owner, p.message, heading("办理经过"), p.history, p.work)

	p.box = sidePage(band, container.New(&split{ratio: 0.36, gap: 16}, card(left), card(container.NewVScroll(right))))
	return p.box
}

// openCases shows the page and loads the handed cases.
func (sc *Screen) openCases() {
	sc.openSide(sc.cases.box)
	sc.loadHanded()
}

// closeCases goes back to the queue.
func (sc *Screen) closeCases() { sc.closeSide(sc.cases.box) }

// loadHanded reads the handed cases and lists them.
func (sc *Screen) loadHanded() {
	hl, ok := sc.s.Client().(handedLister)
	if !ok {
		return
	}
	sc.background(func(ctx context.Context) func() {
		cases, err := hl.HandedCases(ctx)
		sc.s.note(err)
		return func() { sc.showHanded(cases, err) }
	})
}

// showHanded lists the handed cases, one big button each.
func (sc *Screen) showHanded(cases []app.Case, err error) {
	p := &sc.cases
	p.cases = map[string]*widget.Button{}
	p.list.Objects, p.notices.Objects = nil, nil
	switch {
	case err != nil:
		p.listNote.Text, p.listNote.Color = errText(err), theme.Alert
	case len(cases) == 0:
		p.listNote.Text, p.listNote.Color = "暂无移交本厅办理的案件", theme.Muted
	default:
		open := 0
		for _, c := range cases {
			if !c.Status.Final() {
				open++
			}
		}
		p.listNote.Text, p.listNote.Color = fmt.Sprintf("共 %d 件，未结 %d 件", len(cases), open), theme.Ink
	}
	p.listNote.Refresh()
	for _, c := range cases {
		b := widget.NewButton(caseLine(c, sc.serviceName(c.Service)), func() { sc.showCase(c) })
		b.Alignment = widget.ButtonAlignLeading
		list := p.list
		switch {
		case c.Owner == app.OwnerCentre: // the town keeps it: shown, not worked
			list = p.notices
			if len(list.Objects) == 0 {
				list.Add(heading(noticesTitle))
			}
		case !c.Status.Final():
			b.Importance = widget.HighImportance
		}
		p.cases[c.Code] = b
		tall := canvas.NewRectangle(color.Transparent) // a big touch target
		tall.SetMinSize(fyne.NewSize(0, 72))
		list.Add(container.NewStack(tall, b))
	}
	p.list.Refresh()
	p.notices.Refresh()
}

// noticesTitle heads the list of the village's cases the town keeps.
const noticesTitle = "镇级办理的本村纠纷（仅查看）"

// caseLine is a handed case on its button, in two lines: status, the source and risk of a case
// that did not come in at a hall, category or service and the visitor masked; then the 查询码.
func caseLine(c app.Case, service string) string {
	parts := []string{"【" + c.Status.Label() + "】"}
	if c.Source != app.SourceWalkIn {
		parts = append(parts, strings.TrimSuffix(c.Source.Label()+"·"+c.Risk.Label(), "·"))
	}
	parts = append(parts, cmp.Or(c.Category, service))
	if c.Visitor != nil && c.Visitor.Name != "" {
		parts = append(parts, c.Visitor.Name)
	}
	return strings.Join(parts, " ") + "\n" + c.Code
}

// lookupCase opens the case whose 查询码 was typed.
func (sc *Screen) lookupCase() {
	code := strings.TrimSpace(sc.cases.lookup.Text)
	if code == "" {
		return
	}
	sc.fetchCase(code)
}

// fetchCase reads a case from the hub and shows it.
func (sc *Screen) fetchCase(code string) {
	sc.background(func(ctx context.Context) func() {
		c, err := sc.s.Client().Case(ctx, code)
		sc.s.note(err)
		return func() {
			if err != nil {
				sc.caseMessage(errText(err), theme.Alert)
				return
			}
			sc.showCase(c)
		}
	})
}

// showCase shows case c: who works it, its history, and for a case this hall owns the form.
func (sc *Screen) showCase(c app.Case) {
	p := &sc.cases
	p.shown = &c
	p.title.Text = "查询码 " + c.Code + " · " + sc.serviceName(c.Service) + " · " + c.Status.Label()
	p.title.Refresh()
	p.owner.Text = "当前办理：" + ownerLabel(c)
	if c.Deadline != "" {
		p.owner.Text += "　转办期限 " + c.Deadline
	}
	p.owner.Refresh()
	sc.caseMessage("", theme.Muted)
	p.history.Objects = nil
	loc := sc.s.Info.Location()
	for _, e := range c.History {
		p.history.Add(text(entryLine(e, loc), theme.Ink, 16, false))
	}
	p.history.Refresh()
	p.form.clear()
	if c.Owner == app.OwnerHall && !c.Status.Final() {
		var categories []string
		if svc, ok := sc.s.Info.Service(c.Service); ok {
			categories = svc.Categories
		}
		p.form.show(c, categories)
		p.form.render()
		p.work.Show()
	} else {
		p.work.Hide()
	}
	p.box.Refresh()
}

// ownerLabel says in Chinese who works case c now, as this hall sees it.
func ownerLabel(c app.Case) string {
	if c.Owner == app.OwnerCentre {
		return "镇综治中心"
	}
	return "本厅"
}

// entryLabels names the kinds of history lines.
var entryLabels = map[string]string{
	app.EntryFollowUp: "回访记录", app.EntryEscalated: "上报镇综治中心", app.EntryEscalationAccepted: "中心受理上报",
	app.EntrySession: "调解", app.EntryHandover: "移交办理", app.EntryAssigned: "交本村办理",
	app.EntryNotice: "告知本村",
}

// entryLine is one history line: time, what happened, by whom, and the note.
func entryLine(e app.CaseEntry, loc *time.Location) string {
	what := entryLabels[e.Kind]
	if e.Kind == app.EntryStatus {
		what = e.Status.Label()
	}
	line := e.At.In(loc).Format("01-02 15:04") + "  " + what
	if e.By != "" {
		line += "（" + byLabel(e.By) + "）"
	}
	if e.Note != "" {
		line += "  " + e.Note
	}
	return line
}

// byLabel names the author of a history line.
func byLabel(by string) string {
	switch app.Owner(by) {
	case app.OwnerHall:
		return "本厅"
	case app.OwnerCentre:
		return "镇综治中心"
	}
	return by
}

// saveShownCase applies the page's form to the shown case.
func (sc *Screen) saveShownCase() {
	p := &sc.cases
	if p.shown == nil {
		return
	}
	form := p.form.values()
	if form.Handling == "" {
		sc.caseMessage("请选择办理方式", theme.Warning)
		return
	}
	kase := *p.shown
	var saved app.Case
	sc.run(ActSaveHanded, p.form.save, func(ctx context.Context) error {
		var err error
		saved, err = sc.s.SaveCase(ctx, kase, form)
		return err
	}, func(err error) {
		if err != nil {
			sc.caseMessage(errText(err), theme.Alert)
			return
		}
		sc.showCase(saved)
		sc.caseMessage("案件已保存："+saved.Status.Label(), theme.Success)
		sc.loadHanded()
	})
}

// addCaseNote records a follow-up on the shown case.
func (sc *Screen) addCaseNote() {
	p := &sc.cases
	note := strings.TrimSpace(p.note.Text)
	if p.shown == nil || note == "" {
		return
	}
	code, by := p.shown.Code, ""
	if st := sc.s.Staff(); st != nil {
		by = st.Staff
	}
	var saved app.Case
	sc.run(ActNoteHanded, p.addNote, func(ctx context.Context) error {
		var err error
		saved, err = sc.s.Client().AddFollowUp(ctx, code, note, by)
		return sc.s.note(err)
	}, func(err error) {
		if err != nil {
			sc.caseMessage(errText(err), theme.Alert)
			return
		}
		p.note.SetText("")
		sc.showCase(saved)
		sc.caseMessage("回访记录已保存", theme.Success)
	})
}

// caseMessage shows msg on the page.
func (sc *Screen) caseMessage(msg string, c color.Color) {
	sc.cases.message.Text, sc.cases.message.Color = msg, c
	sc.cases.message.Refresh()
}

// sideBand is the band over a page opened from the header in place of the queue: its title, and
// the button back to the queue, which it returns too.
func sideBand(title string, back func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("返回叫号", back)
	b.Importance = widget.HighImportance
	return b, container.NewStack(canvas.NewRectangle(theme.Navy), container.New(layout.NewCustomPaddedLayout(8, 8, 16, 12),
		container.NewBorder(nil, nil, container.NewCenter(text(title, theme.OnPrimary, 22, true)), b)))
}

// sidePage lays such a page out under its band, hidden until opened.
func sidePage(band, body fyne.CanvasObject) *fyne.Container {
	box := container.NewBorder(band, nil, nil, nil, container.New(layout.NewCustomPaddedLayout(12, 12, 12, 12), body))
	box.Hide()
	return box
}

// openSide shows a side page in place of the queue.
func (sc *Screen) openSide(box *fyne.Container) {
	sc.main.Hide()
	box.Show()
}

// closeSide hides a side page and goes back to the queue.
func (sc *Screen) closeSide(box *fyne.Container) {
	box.Hide()
	sc.main.Show()
	sc.render()
}
