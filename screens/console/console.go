package console

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

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

// Options tune the console.
type Options struct {
	// Print prints a reprinted receipt (补打); nil hides the action.
	Print func(ctx context.Context, r printing.Receipt) error
	// Timeout bounds each hub call; default 10 s.
	Timeout time.Duration
	// Now is the clock for follow-up date shortcuts; default time.Now.
	Now func() time.Time
	// Post runs f on Fyne's thread; fyne.Do by default. Tests queue posted functions and run them
	// on the test's goroutine, as the real driver runs them on its one UI thread.
	Post func(f func())
}

// Keys maps the function keys to their actions.
var Keys = map[fyne.KeyName]Action{
	fyne.KeyF1: ActCall, fyne.KeyF2: ActRecall, fyne.KeyF3: ActSkip, fyne.KeyF4: ActTransfer,
	fyne.KeyF5: ActHold, fyne.KeyF6: ActPause, fyne.KeyF7: ActStart, fyne.KeyF9: ActComplete,
}

// actionLabels are the buttons' texts.
var actionLabels = map[Action]string{
	ActCall: "F1 叫号", ActRecall: "F2 重呼", ActSkip: "F3 过号", ActTransfer: "F4 转移", ActHold: "F5 挂起",
	ActPause: "F6 暂停", ActStart: "F7 开始办理", ActComplete: "F9 完成",
}

var actionOrder = []Action{ActCall, ActRecall, ActSkip, ActTransfer, ActHold, ActPause, ActStart, ActComplete}

// KeyEntry is an entry that passes the console's function keys on instead of swallowing them, so
// that F1 … F9 work while the staff member types. It holds no data binding: text committed by
// the operating system's input method arrives whole through TypedRune.
type KeyEntry struct {
	widget.Entry
	OnKey func(*fyne.KeyEvent) bool
}

// NewKeyEntry returns an entry; multiLine makes it a text area.
func NewKeyEntry(multiLine bool) *KeyEntry {
	e := &KeyEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *KeyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.OnKey != nil && e.OnKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}

// Screen is the console's widgets around a Session.
type Screen struct {
	s   *Session
	opt Options

	root   *fyne.Container
	signIn *fyne.Container
	main   *fyne.Container

	// sign-in
	Name, PIN    *KeyEntry
	Services     *widget.CheckGroup
	SignInBtn    *widget.Button
	signInError  *canvas.Text
	serviceCodes func() []string

	// header and banners
	staffText *canvas.Text
	syncText  *canvas.Text // 未同步 N 条, for staff only, when the centre has not confirmed records for a while
	SignOut   *widget.Button
	netBar    *fyne.Container
	helpBar   *fyne.Container
	helpText  *canvas.Text
	TakeHelp  *widget.Button

	// queue side
	Buttons     map[Action]*widget.Button
	TransferTo  *widget.Select
	Number      *KeyEntry
	NumberBtn   *widget.Button
	Reprint     *widget.Button
	current     *canvas.Text
	currentInfo *canvas.Text
	held        *fyne.Container
	waiting     *fyne.Container
	stats       *widget.Label
	message     *canvas.Text

	// visitor and case side
	visitor     *widget.Label
	Reveal      *widget.Button
	full        *canvas.Text
	history     *fyne.Container
	caseCode    *widget.Label
	Category    *widget.Select
	Handling    *widget.RadioGroup
	Dept        *widget.Select
	Level       *widget.Select
	Result      *widget.Select
	FollowUp    *KeyEntry
	Summary     *KeyEntry
	Note        *KeyEntry
	SaveCase    *widget.Button
	hist        *app.VisitorHistory
	followQuick []*widget.Button
	shownTick   int64 // id of the ticket whose visitor is shown

	refresh chan struct{}

	// OnDone, if set, is called on the UI thread when an action's call has returned.
	OnDone func(a Action, err error)
}

// New returns the console for session s.
func New(s *Session, opt Options) *Screen {
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Post == nil {
		opt.Post = fyne.Do
	}
	sc := &Screen{s: s, opt: opt, Buttons: map[Action]*widget.Button{}, refresh: make(chan struct{}, 1)}
	sc.buildSignIn()
	sc.buildMain()
	sc.root = container.NewStack(canvas.NewRectangle(theme.Ground), sc.signIn, sc.main)
	sc.main.Hide()
	sc.render()
	return sc
}

// Content returns the console's root object.
func (sc *Screen) Content() fyne.CanvasObject { return sc.root }

// Session returns the console's state.
func (sc *Screen) Session() *Session { return sc.s }

// Bind makes the function keys work on the window's canvas when no entry has the focus. A picker
// that was used hands the focus back to the canvas once a choice is made, so F1 … F9 keep working
// after a pick (entries pass the keys on themselves: KeyEntry).
func (sc *Screen) Bind(c fyne.Canvas) {
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { sc.Key(ev) })
	release := func() { c.Unfocus() }
	for _, sel := range []*widget.Select{sc.TransferTo, sc.Category, sc.Dept, sc.Level, sc.Result} {
		then := sel.OnChanged
		sel.OnChanged = func(v string) {
			if then != nil {
				then(v)
			}
			release()
		}
	}
	for _, rg := range []*widget.RadioGroup{sc.Handling} {
		then := rg.OnChanged
		rg.OnChanged = func(v string) {
			if then != nil {
				then(v)
			}
			release()
		}
	}
	then := sc.Services.OnChanged
	sc.Services.OnChanged = func(v []string) {
		if then != nil {
			then(v)
		}
		release()
	}
}

// Key handles a function key; it reports whether the key was one.
func (sc *Screen) Key(ev *fyne.KeyEvent) bool {
	a, ok := Keys[ev.Name]
	if !ok {
		return false
	}
	if sc.s.Staff() == nil {
		return true
	}
	sc.press(a)
	return true
}

func text(s string, c color.Color, size float32, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize, t.TextStyle.Bold = size, bold
	return t
}

func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Card)
	bg.CornerRadius = 10
	bg.StrokeColor, bg.StrokeWidth = theme.Separator, 1
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(12, 12, 16, 16), content))
}

// outlined draws a thin blue frame around a plain button, which would otherwise vanish on a
// white card.
func outlined(b *widget.Button) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor, r.StrokeWidth, r.CornerRadius = theme.Navy, 1.5, 6
	return container.NewStack(b, r)
}

func heading(s string) fyne.CanvasObject { return text(s, theme.Navy, 20, true) }

func (sc *Screen) band() fyne.CanvasObject {
	title := text(sc.s.Info.Name+" · "+sc.s.WindowName(), theme.OnPrimary, 22, true)
	sc.staffText = text("", theme.OnPrimary, 18, false)
	sc.syncText = text("", theme.OnPrimary, 16, false)
	sc.SignOut = widget.NewButton("签退", func() { sc.signOut() })
	right := container.NewHBox(container.NewCenter(sc.syncText), container.NewCenter(sc.staffText), sc.SignOut)
	return container.NewStack(canvas.NewRectangle(theme.Navy),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 12), container.NewBorder(nil, nil, container.NewCenter(title), right)))
}

func (sc *Screen) buildSignIn() {
	sc.Name = NewKeyEntry(false)
	sc.Name.SetPlaceHolder("姓名")
	sc.PIN = NewKeyEntry(false)
	sc.PIN.Password = true
	sc.PIN.SetPlaceHolder("密码（PIN）")
	sc.PIN.OnSubmitted = func(string) { sc.doSignIn() }
	var names []string
	byName := map[string]string{}
	for _, svc := range sc.s.Info.Services {
		names = append(names, svc.Name)
		byName[svc.Name] = svc.Code
	}
	sc.Services = widget.NewCheckGroup(names, nil)
	for _, code := range sc.s.WindowServices() {
		for _, svc := range sc.s.Info.Services {
			if svc.Code == code {
				sc.Services.Selected = append(sc.Services.Selected, svc.Name)
			}
		}
	}
	sc.Services.Horizontal = true
	sc.SignInBtn = widget.NewButton("登录", func() { sc.doSignIn() })
	sc.SignInBtn.Importance = widget.HighImportance
	sc.signInError = text("", theme.Alert, 18, true)
	form := widget.NewForm(
		widget.NewFormItem("姓名", sc.Name),
		widget.NewFormItem("密码", sc.PIN),
		widget.NewFormItem("本次服务", sc.Services),
	)
	box := container.NewVBox(text("窗口工作人员登录", theme.Navy, 28, true),
		text(sc.s.Info.Name+" · "+sc.s.WindowName(), theme.Muted, 18, false), widget.NewSeparator(),
		form, sc.signInError, sc.SignInBtn)
	sized := container.New(layout.NewGridWrapLayout(fyne.NewSize(max(640, box.MinSize().Width+48), box.MinSize().Height+40)), card(box))
	sc.signIn = container.NewCenter(sized)
	sc.serviceCodes = func() []string {
		var out []string
		for _, n := range sc.Services.Selected {
			out = append(out, byName[n])
		}
		return out
	}
}

func (sc *Screen) doSignIn() {
	name, pin := strings.TrimSpace(sc.Name.Text), sc.PIN.Text
	if name == "" || pin == "" {
		sc.signInError.Text = "请输入姓名和密码"
		sc.signInError.Refresh()
		return
	}
	if len(sc.Services.Selected) == 0 {
		sc.signInError.Text = "请至少选择一项业务"
		sc.signInError.Refresh()
		return
	}
	services := sc.serviceCodes()
	sc.run(ActSignIn, sc.SignInBtn, func(ctx context.Context) error {
		_, err := sc.s.SignIn(ctx, name, pin, services)
		if err == nil {
			sc.s.Refresh(ctx)
			sc.s.RefreshHelp(ctx)
		}
		return err
	}, func(err error) {
		if err != nil {
			sc.signInError.Text = errText(err)
			sc.signInError.Refresh()
			sc.PIN.SetText("")
			return
		}
		sc.signInError.Text = ""
		sc.PIN.SetText("")
		sc.signIn.Hide()
		sc.main.Show()
		sc.render()
		sc.afterTicketChange()
		sc.loadStats()
	})
}

func (sc *Screen) signOut() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.opt.Timeout)
		defer cancel()
		if err := sc.s.SignOut(ctx); err != nil {
			slog.Warn("sign-out failed", "err", err)
		}
		sc.opt.Post(func() {
			sc.main.Hide()
			sc.signIn.Show()
			sc.clearVisitor()
			sc.root.Refresh()
		})
	}()
}

func (sc *Screen) buildMain() {
	// Queue side.
	sc.current = text("—", theme.Navy, 64, true)
	sc.currentInfo = text("尚未叫号", theme.Muted, 18, false)
	grid := container.NewGridWithColumns(4)
	for _, a := range actionOrder {
		a := a
		b := widget.NewButton(actionLabels[a], func() { sc.press(a) })
		b.Importance = widget.HighImportance
		if a == ActComplete {
			b.Importance = widget.SuccessImportance
		}
		sc.Buttons[a] = b
		grid.Add(b)
	}
	var svcNames []string
	for _, svc := range sc.s.Info.Services {
		svcNames = append(svcNames, svc.Name)
	}
	sc.TransferTo = widget.NewSelect(svcNames, nil)
	sc.TransferTo.PlaceHolder = "转移到的业务"
	sc.Number = NewKeyEntry(false)
	sc.Number.SetPlaceHolder("号码，如 A012")
	sc.Number.OnKey = sc.Key
	sc.Number.OnSubmitted = func(string) { sc.press(ActNumber) }
	sc.NumberBtn = widget.NewButton("指定叫号", func() { sc.press(ActNumber) })
	sc.Buttons[ActNumber] = sc.NumberBtn
	sc.Reprint = widget.NewButton("补打凭条", func() { sc.reprint() })
	sc.Buttons[ActReprint] = sc.Reprint
	if sc.opt.Print == nil {
		sc.Reprint.Hide()
	}
	sc.held = container.NewVBox()
	sc.waiting = container.NewVBox()
	sc.stats = widget.NewLabel("")
	sc.stats.Wrapping = fyne.TextWrapWord
	sc.message = text("", theme.Muted, 17, true)

	left := container.NewVBox(
		heading("当前号码"),
		sc.current, sc.currentInfo,
		grid,
		widget.NewForm(
			widget.NewFormItem("转移到", sc.TransferTo),
			widget.NewFormItem("指定叫号", container.NewBorder(nil, nil, nil, sc.NumberBtn, sc.Number)),
		),
		sc.message,
		widget.NewSeparator(),
		heading("挂起的号码"), sc.held,
		widget.NewSeparator(),
		heading("等候人数"), sc.waiting,
		widget.NewSeparator(),
		heading("本窗口今日"), sc.stats,
		outlined(sc.Reprint),
	)

	// Visitor and case side.
	sc.visitor = widget.NewLabel("")
	sc.visitor.Wrapping = fyne.TextWrapWord
	sc.Reveal = widget.NewButton("查看完整信息", func() { sc.reveal() })
	sc.Buttons[ActReveal] = sc.Reveal
	sc.full = text("", theme.Alert, 16, true)
	sc.history = container.NewVBox()
	sc.caseCode = widget.NewLabel("")
	sc.Category = widget.NewSelect(nil, nil)
	sc.Category.PlaceHolder = "选择类别"
	sc.Handling = widget.NewRadioGroup(Handlings, func(string) { sc.renderForm() })
	sc.Handling.Horizontal = true
	sc.Dept = widget.NewSelect(sc.s.Info.Departments, nil)
	sc.Dept.PlaceHolder = "选择部门"
	sc.Level = widget.NewSelect(app.MediationLevels, nil)
	sc.Level.PlaceHolder = "选择级别"
	var results []string
	for _, r := range Results {
		results = append(results, r.Label())
	}
	sc.Result = widget.NewSelect(results, nil)
	sc.Result.PlaceHolder = "尚无结果"
	sc.FollowUp = NewKeyEntry(false)
	sc.FollowUp.SetPlaceHolder("YYYY-MM-DD")
	sc.FollowUp.OnKey = sc.Key
	quick := container.NewHBox()
	for _, d := range []int{3, 7, 15, 30} {
		d := d
		b := widget.NewButton(strconv.Itoa(d)+"天后", func() {
			sc.FollowUp.SetText(sc.opt.Now().In(sc.s.Info.Location()).AddDate(0, 0, d).Format(time.DateOnly))
		})
		sc.followQuick = append(sc.followQuick, b)
		quick.Add(outlined(b))
	}
	sc.Summary = NewKeyEntry(true)
	sc.Summary.SetPlaceHolder("诉求摘要")
	sc.Summary.SetMinRowsVisible(3)
	sc.Summary.OnKey = sc.Key
	sc.Note = NewKeyEntry(false)
	sc.Note.SetPlaceHolder("备注（可选）")
	sc.Note.OnKey = sc.Key
	sc.SaveCase = widget.NewButton("保存案件", func() { sc.saveCase() })
	sc.SaveCase.Importance = widget.HighImportance
	sc.Buttons[ActSave] = sc.SaveCase
	form := widget.NewForm(
		widget.NewFormItem("案件编号", sc.caseCode),
		widget.NewFormItem("类别", sc.Category),
		widget.NewFormItem("办理方式", sc.Handling),
		widget.NewFormItem("转办部门", sc.Dept),
		widget.NewFormItem("调解级别", sc.Level),
		widget.NewFormItem("办理结果", sc.Result),
		widget.NewFormItem("回访日期", container.NewBorder(nil, nil, nil, quick, sc.FollowUp)),
		widget.NewFormItem("摘要", sc.Summary),
		widget.NewFormItem("备注", sc.Note),
	)
	right := container.NewVBox(
		heading("群众信息"),
		container.NewBorder(nil, nil, nil, outlined(sc.Reveal), sc.visitor),
		sc.full,
		heading("既往来访与未结案件"), sc.history,
		widget.NewSeparator(),
		heading("案件登记"), form,
		container.NewHBox(layout.NewSpacer(), sc.SaveCase),
	)

	sc.netBar = container.NewStack(canvas.NewRectangle(theme.Alert), container.New(layout.NewCustomPaddedLayout(6, 6, 16, 16),
		text("无法连接叫号服务器，正在重新连接…已填写的内容会保留", theme.OnPrimary, 18, true)))
	sc.netBar.Hide()
	sc.helpText = text("", theme.OnPrimary, 20, true)
	sc.TakeHelp = widget.NewButton("我去处理", func() { sc.takeHelp() })
	sc.Buttons[ActHelp] = sc.TakeHelp
	sc.helpBar = container.NewStack(canvas.NewRectangle(theme.Warning), container.New(layout.NewCustomPaddedLayout(6, 6, 16, 16),
		container.NewBorder(nil, nil, nil, sc.TakeHelp, container.NewCenter(sc.helpText))))
	sc.helpBar.Hide()

	body := container.New(&split{ratio: 0.42, gap: 16},
		card(container.NewVScroll(left)), card(container.NewVScroll(right)))
	sc.main = container.NewBorder(container.NewVBox(sc.band(), sc.netBar, sc.helpBar), nil, nil, nil,
		container.New(layout.NewCustomPaddedLayout(12, 12, 12, 12), body))
}

// split lays out two objects side by side, the first taking ratio of the width.
type split struct {
	ratio, gap float32
}

func (l *split) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := (size.Width - l.gap) * l.ratio
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w+l.gap, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w-l.gap, size.Height))
}

func (l *split) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width+l.gap, 400)
}

// run performs fn as action a in the background: the button is disabled and a second press is
// ignored until the call returns; then done runs on the UI thread.
func (sc *Screen) run(a Action, btn *widget.Button, fn func(ctx context.Context) error, done func(err error)) {
	if err := sc.s.Begin(a); err != nil {
		return
	}
	if btn != nil {
		btn.Disable()
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.opt.Timeout)
		defer cancel()
		err := fn(ctx)
		sc.opt.Post(func() {
			sc.s.End(a)
			if btn != nil {
				btn.Enable()
			}
			if done != nil {
				done(err)
			}
			sc.render()
			if sc.OnDone != nil {
				sc.OnDone(a, err)
			}
		})
	}()
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
			if svc.Name == sc.TransferTo.Selected {
				code = svc.Code
			}
		}
		if code == "" {
			sc.say("请先在“转移到”中选择业务", theme.Warning)
			return
		}
		arg = code
	case ActNumber:
		arg = strings.ToUpper(strings.TrimSpace(sc.Number.Text))
		if arg == "" {
			sc.say("请输入要叫的号码", theme.Warning)
			return
		}
	}
	var tk app.Ticket
	sc.run(a, sc.Buttons[a], func(ctx context.Context) error {
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
			sc.Number.SetText("")
		}
		sc.say(doneText(a, tk, sc.s.State().Paused), theme.Success)
		sc.afterTicketChange()
		sc.loadStats()
	})
}

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

// errText says in Chinese why an action failed.
func errText(err error) string {
	if errors.Is(err, hub.ErrUnreachable) {
		return "无法连接叫号服务器，请稍后再试"
	}
	switch app.ErrorCode(err) {
	case app.ENONE:
		return "当前没有等候的群众"
	case app.EPAUSED:
		return "窗口已暂停，请先按 F6 恢复叫号"
	case app.ECONFLICT:
		return "当前状态下不能这样操作（请先完成、过号或挂起当前号码）"
	case app.ENOTFOUND:
		return "未找到该号码或记录"
	case app.ESIGNIN:
		return "姓名或密码不正确"
	case app.ESESSION:
		return "登录已失效，请重新登录"
	case app.ETRANSITION:
		return "案件当前状态不允许这样变更"
	case app.ENOTOWNER:
		return "案件已上报中心，由中心办理"
	case app.EINVALID:
		return "填写内容有误，请检查"
	}
	return "操作失败，请重试"
}

func (sc *Screen) say(msg string, c color.Color) {
	sc.message.Text, sc.message.Color = msg, c
	sc.message.Refresh()
}

// render draws the session's state. Call it on the UI thread.
func (sc *Screen) render() {
	st := sc.s.State()
	if staff := sc.s.Staff(); staff != nil {
		sc.staffText.Text = "工作人员：" + staff.Staff
	} else {
		sc.staffText.Text = ""
	}
	sc.staffText.Refresh()
	if sc.s.Online() {
		sc.netBar.Hide()
	} else {
		sc.netBar.Show()
	}
	if st.Current != nil {
		sc.current.Text = st.Current.Label
		sc.currentInfo.Text = st.Current.Status.Label() + " · " + sc.serviceName(st.Current.Service)
		if st.Current.Priority != "" {
			sc.currentInfo.Text += " · " + st.Current.Priority.Label()
		}
	} else {
		sc.current.Text = "—"
		sc.currentInfo.Text = "尚未叫号"
		if st.Paused {
			sc.currentInfo.Text = "窗口已暂停"
		}
	}
	sc.current.Refresh()
	sc.currentInfo.Refresh()

	hasCurrent := st.Current != nil
	called := hasCurrent && st.Current.Status == app.TicketCalled
	enable := map[Action]bool{
		ActCall: !hasCurrent && !st.Paused, ActRecall: called, ActSkip: called, ActTransfer: hasCurrent,
		ActHold: hasCurrent, ActPause: true, ActStart: called, ActComplete: hasCurrent, ActNumber: !hasCurrent,
		ActReprint: hasCurrent, ActReveal: hasCurrent && sc.hist != nil && sc.hist.Visitor != nil,
		ActSave: hasCurrent && sc.hist != nil && sc.hist.Case != nil, ActHelp: true,
	}
	for a, b := range sc.Buttons {
		if enable[a] && !sc.s.InFlight(a) {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if st.Paused {
		sc.Buttons[ActPause].SetText("F6 恢复叫号")
	} else {
		sc.Buttons[ActPause].SetText("F6 暂停")
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
	sc.held.Objects = rows
	sc.held.Refresh()

	served := sc.WindowServiceSet()
	wrows := []fyne.CanvasObject{}
	for i, q := range sc.s.Queue().Services {
		if !served[q.Service] {
			continue
		}
		dot := canvas.NewRectangle(theme.ServiceColour(i))
		dot.SetMinSize(fyne.NewSize(8, 20))
		wrows = append(wrows, container.NewBorder(nil, nil, container.NewHBox(dot, text(q.Name, theme.Ink, 17, false)),
			text(strconv.Itoa(q.Waiting)+" 人", theme.Navy, 18, true)))
	}
	sc.waiting.Objects = wrows
	sc.waiting.Refresh()

	alerts := sc.s.Help()
	if len(alerts) > 0 {
		a := alerts[0]
		sc.helpText.Text = fmt.Sprintf("%s 呼叫工作人员（%s）", a.Source, a.RaisedAt.Local().Format("15:04"))
		if len(alerts) > 1 {
			sc.helpText.Text += fmt.Sprintf("，另有 %d 条", len(alerts)-1)
		}
		sc.helpText.Refresh()
		sc.helpBar.Show()
	} else {
		sc.helpBar.Hide()
	}
	sc.renderForm()
	// Rows came and went: lay the whole console out again.
	sc.root.Refresh()
}

// WindowServiceSet returns the services of the signed-in session (or the window's).
func (sc *Screen) WindowServiceSet() map[string]bool {
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

func (sc *Screen) serviceName(code string) string {
	if svc, ok := sc.s.Info.Service(code); ok {
		return svc.Name
	}
	return code
}

// renderForm enables the form's pickers that the chosen handling needs.
func (sc *Screen) renderForm() {
	h := sc.Handling.Selected
	setEnabled(sc.Dept, h == HandleReferral)
	setEnabled(sc.Level, h == HandleMediation || h == HandleReferral)
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

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

// afterTicketChange loads the visitor of a new current ticket, or clears the visitor side when
// the window has none. The form keeps what was typed while the ticket stays the same.
func (sc *Screen) afterTicketChange() {
	cur := sc.s.State().Current
	if cur == nil {
		sc.clearVisitor()
		return
	}
	if cur.ID == sc.shownTick && sc.hist != nil {
		return
	}
	id := cur.ID
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.opt.Timeout)
		defer cancel()
		h, err := sc.s.History(ctx)
		sc.opt.Post(func() {
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
		})
	}()
}

func (sc *Screen) clearVisitor() {
	sc.hist, sc.shownTick = nil, 0
	sc.visitor.SetText("当前没有办理中的群众")
	sc.full.Text = ""
	sc.full.Refresh()
	sc.history.Objects = nil
	sc.history.Refresh()
	sc.caseCode.SetText("")
	sc.Category.Options = nil
	sc.Category.ClearSelected()
	sc.Handling.SetSelected("")
	sc.Dept.ClearSelected()
	sc.Level.ClearSelected()
	sc.Result.ClearSelected()
	sc.FollowUp.SetText("")
	sc.Summary.SetText("")
	sc.Note.SetText("")
	sc.render()
}

func (sc *Screen) showVisitor(h app.VisitorHistory) {
	sc.clearVisitor()
	sc.hist, sc.shownTick = &h, h.Ticket.ID
	if v := h.Visitor; v != nil {
		parts := []string{}
		if v.Name != "" {
			parts = append(parts, "姓名 "+v.Name)
		}
		parts = append(parts, "证件 "+v.IDNumber)
		if v.Phone != "" {
			parts = append(parts, "电话 "+v.Phone)
		}
		sc.visitor.SetText(strings.Join(parts, "　"))
	} else {
		sc.visitor.SetText("未登记身份（匿名取号）")
	}
	rows := []fyne.CanvasObject{}
	for _, c := range h.Open {
		rows = append(rows, widget.NewLabel(fmt.Sprintf("未结 %s · %s · %s · %s", c.Code, sc.serviceName(c.Service), c.Category, c.Status.Label())))
	}
	for _, v := range h.Visits {
		rows = append(rows, widget.NewLabel(fmt.Sprintf("%s %s · %s · %s", v.Day, v.Label, sc.serviceName(v.Service), v.Status.Label())))
	}
	if len(rows) == 0 {
		rows = append(rows, text("首次来访", theme.Muted, 16, false))
	}
	sc.history.Objects = rows
	sc.history.Refresh()
	if c := h.Case; c != nil {
		sc.caseCode.SetText(c.Code + " · " + c.Status.Label())
		if svc, ok := sc.s.Info.Service(c.Service); ok {
			sc.Category.Options = svc.Categories
		}
		if c.Category != "" {
			if !slices.Contains(sc.Category.Options, c.Category) {
				sc.Category.Options = append(sc.Category.Options, c.Category)
			}
			sc.Category.SetSelected(c.Category)
		}
		sc.Summary.SetText(c.Summary)
		sc.FollowUp.SetText(c.FollowUpOn)
		switch {
		case c.Handling == app.HandlingReferral:
			sc.Handling.SetSelected(HandleReferral)
			sc.Dept.SetSelected(c.Department)
		case c.Handling == app.HandlingMediation:
			sc.Handling.SetSelected(HandleMediation)
		case c.Status == app.CaseAccepted:
			sc.Handling.SetSelected(HandleAccept)
		}
		if c.Level != "" {
			sc.Level.SetSelected(c.Level)
		}
	}
	sc.render()
}

// FollowUpButtons returns the follow-up date shortcuts: in 3, 7, 15 and 30 days.
func (sc *Screen) FollowUpButtons() []*widget.Button { return sc.followQuick }

// Form returns what the case form holds.
func (sc *Screen) Form() CaseForm {
	f := CaseForm{Category: sc.Category.Selected, Summary: sc.Summary.Text, Handling: sc.Handling.Selected,
		Department: sc.Dept.Selected, Level: sc.Level.Selected, FollowUpOn: strings.TrimSpace(sc.FollowUp.Text),
		Note: sc.Note.Text}
	for _, r := range Results {
		if r.Label() == sc.Result.Selected {
			f.Result = r
		}
	}
	return f
}

func (sc *Screen) saveCase() {
	if sc.hist == nil || sc.hist.Case == nil {
		return
	}
	form := sc.Form()
	if form.Handling == "" {
		sc.say("请选择办理方式", theme.Warning)
		return
	}
	kase := *sc.hist.Case
	var saved app.Case
	sc.run(ActSave, sc.SaveCase, func(ctx context.Context) error {
		var err error
		saved, err = sc.s.SaveCase(ctx, kase, form)
		return err
	}, func(err error) {
		if err != nil {
			msg := errText(err)
			if errors.Is(err, hub.ErrUnreachable) {
				msg = "无法连接叫号服务器，填写的内容已保留，恢复后请再按保存"
			}
			sc.say(msg, theme.Alert)
			return
		}
		if sc.hist != nil {
			sc.hist.Case = &saved
		}
		sc.caseCode.SetText(saved.Code + " · " + saved.Status.Label())
		sc.Note.SetText("")
		sc.say("案件已保存："+saved.Status.Label(), theme.Success)
	})
}

func (sc *Screen) reveal() {
	var v app.Visitor
	sc.run(ActReveal, sc.Reveal, func(ctx context.Context) error {
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
		sc.full.Text = strings.Join(parts, "　") + "（本次查看已记录）"
		sc.full.Refresh()
	})
}

func (sc *Screen) takeHelp() {
	alerts := sc.s.Help()
	if len(alerts) == 0 {
		return
	}
	id := alerts[0].ID
	sc.run(ActHelp, sc.TakeHelp, func(ctx context.Context) error { return sc.s.TakeHelp(ctx, id) }, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
		}
	})
}

func (sc *Screen) reprint() {
	cur := sc.s.State().Current
	if cur == nil || sc.opt.Print == nil {
		return
	}
	r := printing.Receipt{Hall: sc.s.Info.Name, Service: sc.serviceName(cur.Service), Ticket: cur.Label, Ahead: cur.Ahead,
		Issued: cur.IssuedAt, WaitAt: sc.s.Info.WaitArea, CaseCode: cur.CaseCode, PublicURL: sc.s.Info.PublicURL, Reprint: true}
	if sc.hist != nil && sc.hist.Visitor != nil {
		r.MaskedName = sc.hist.Visitor.Name
	}
	sc.run(ActReprint, sc.Reprint, func(ctx context.Context) error { return sc.opt.Print(ctx, r) }, func(err error) {
		if err != nil {
			slog.Warn("reprint failed", "err", err)
			sc.say("补打失败，请检查打印机", theme.Alert)
			return
		}
		sc.say(cur.Label+" 凭条已补打", theme.Success)
	})
}

func (sc *Screen) loadStats() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.opt.Timeout)
		defer cancel()
		st, err := sc.s.Stats(ctx)
		if err != nil {
			return
		}
		sc.opt.Post(func() { sc.showStats(st) })
	}()
}

// syncReporter is what a hub client offers about the sync with the centre (hub.Client does).
type syncReporter interface {
	SyncState(ctx context.Context) (hub.SyncState, error)
}

// loadSync reads the sync state and shows 未同步 N 条 when the backlog is old.
func (sc *Screen) loadSync(ctx context.Context) {
	sr, ok := sc.s.Client().(syncReporter)
	if !ok {
		return
	}
	c, cancel := context.WithTimeout(ctx, sc.opt.Timeout)
	defer cancel()
	st, err := sr.SyncState(c)
	if err != nil {
		return
	}
	sc.opt.Post(func() { sc.showSync(st) })
}

func (sc *Screen) showSync(st hub.SyncState) {
	sc.syncText.Text = ""
	if st.Stale {
		sc.syncText.Text = fmt.Sprintf("未同步 %d 条", st.Backlog)
	}
	sc.syncText.Refresh()
}

func (sc *Screen) showStats(st app.WindowStats) {
	sc.stats.SetText(fmt.Sprintf("叫号 %d · 完成 %d · 过号 %d · 转移 %d\n平均办理 %.1f 分钟 · 评价 %d（不满意 %d）",
		st.Called, st.Completed, st.Skipped, st.Transferred, st.AvgMinutes, st.Rated, st.Flagged))
}

// Run keeps the console current until ctx ends: it follows the hub's events (queue changes, help
// alerts), and while the hub is unreachable it retries every few seconds and says so.
func (sc *Screen) Run(ctx context.Context) {
	events, err := sc.s.Client().Subscribe(ctx, 0)
	if err != nil {
		slog.Warn("console: subscribe failed", "err", err)
	}
	sync := func(help bool) {
		c, cancel := context.WithTimeout(ctx, sc.opt.Timeout)
		defer cancel()
		err := sc.s.Refresh(c)
		if help && err == nil {
			sc.s.RefreshHelp(c)
		}
		sc.opt.Post(func() {
			sc.render()
			if err == nil && sc.s.Staff() != nil {
				sc.afterTicketChange()
			}
		})
	}
	sync(true)
	sc.loadSync(ctx)
	retry := time.NewTicker(3 * time.Second)
	defer retry.Stop()
	slow := time.NewTicker(30 * time.Second)
	defer slow.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			switch {
			case ev.Kind == app.EventHelp || ev.Kind == app.EventHelpTaken:
				c, cancel := context.WithTimeout(ctx, sc.opt.Timeout)
				sc.s.RefreshHelp(c)
				cancel()
				sc.opt.Post(sc.render)
			case ev.Ticket != nil || ev.Kind == app.EventPaused || ev.Kind == app.EventUnpaused:
				select {
				case sc.refresh <- struct{}{}:
				default:
				}
			}
		case <-sc.refresh:
			sync(false)
		case <-retry.C:
			if !sc.s.Online() {
				sync(true)
			}
		case <-slow.C:
			sync(true)
			sc.loadSync(ctx)
			if sc.s.Staff() != nil {
				sc.loadStats()
			}
		}
	}
}
