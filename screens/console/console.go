// Package console is the window staff console: sign-in, the queue actions with their function
// keys (F1 叫号 … F9 完成), the current visitor with a masked identity and an audited full view,
// the visitor's earlier visits and open cases, the case form, help alerts from the kiosk and the
// window's counts for the day. The UI-free parts (Session, CaseForm.Plan) are testable apart
// from the widgets.
package console

import (
	"context"
	"errors"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/printing"
	"fengqiao/screens/live"
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

// functionKeys maps the function keys to their actions.
var functionKeys = map[fyne.KeyName]Action{
	fyne.KeyF1: ActCall, fyne.KeyF2: ActRecall, fyne.KeyF3: ActSkip, fyne.KeyF4: ActTransfer,
	fyne.KeyF5: ActHold, fyne.KeyF6: ActPause, fyne.KeyF7: ActStart, fyne.KeyF9: ActComplete,
}

// Screen is the console's widgets around a Session: the sign-in form, and once signed in the
// header over the queue panel (left) and the visitor and case form (right).
type Screen struct {
	s   *Session
	opt Options

	canvas fyne.Canvas // the window's, once bound: picking a name focuses the PIN entry

	root *fyne.Container
	main *fyne.Container // header and both panels, shown once signed in

	signIn  signInForm
	header  header
	queue   queuePanel
	visitor visitorPanel
	form    casePanel
	cases   casesPage
	// bookings is the page of the day's appointments (今日预约).
	bookings bookingsPage

	// buttons holds each action's button; render enables those the window's state allows.
	buttons map[Action]*widget.Button

	// onDone, if set, is called on the UI thread when an action's call has returned.
	onDone func(a Action, err error)
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
	sc := &Screen{s: s, opt: opt, buttons: map[Action]*widget.Button{}}
	sc.buildSignIn()
	right := container.NewVBox(sc.buildVisitor(), widget.NewSeparator(), sc.buildCaseForm())
	body := container.New(&split{ratio: 0.42, gap: 16},
		card(container.NewVScroll(sc.buildQueue())), card(container.NewVScroll(right)))
	sc.main = container.NewBorder(sc.buildHeader(), nil, nil, nil,
		container.New(layout.NewCustomPaddedLayout(12, 12, 12, 12), body))
	sc.root = container.NewStack(canvas.NewRectangle(theme.Ground), sc.signIn.box, sc.main, sc.buildCasesPage(),
		sc.buildBookingsPage())
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
// after a pick (entries pass the keys on themselves: keyEntry).
func (sc *Screen) Bind(c fyne.Canvas) {
	sc.canvas = c
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { sc.key(ev) })
	release := func() { c.Unfocus() }
	for _, sel := range []*widget.Select{sc.queue.transferTo, sc.form.category, sc.form.dept, sc.form.level, sc.form.result} {
		sel.OnChanged = andThen(sel.OnChanged, release)
	}
	sc.form.handling.OnChanged = andThen(sc.form.handling.OnChanged, release)
	sc.signIn.services.OnChanged = andThen(sc.signIn.services.OnChanged, release)
}

// andThen returns a change handler that calls f, if any, and then then.
func andThen[T any](f func(T), then func()) func(T) {
	return func(v T) {
		if f != nil {
			f(v)
		}
		then()
	}
}

// key handles a function key; it reports whether the key was one.
func (sc *Screen) key(ev *fyne.KeyEvent) bool {
	a, ok := functionKeys[ev.Name]
	if !ok {
		return false
	}
	if sc.s.Staff() == nil {
		return true
	}
	sc.press(a)
	return true
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
	sc.background(func(ctx context.Context) func() {
		err := fn(ctx)
		return func() {
			sc.s.End(a)
			if btn != nil {
				btn.Enable()
			}
			if done != nil {
				done(err)
			}
			sc.render()
			if sc.onDone != nil {
				sc.onDone(a, err)
			}
		}
	})
}

// background runs work off the UI thread, bounded by Options.Timeout, and posts the function it
// returns, if any, to the UI thread.
func (sc *Screen) background(work func(ctx context.Context) func()) {
	live.Worker{Post: sc.opt.Post, Timeout: sc.opt.Timeout}.Go(context.Background(), work)
}

// errText says in Chinese why an action failed.
func errText(err error) string {
	if errors.Is(err, hub.ErrUnreachable) {
		return "无法连接叫号服务器，请稍后再试"
	}
	if errors.Is(err, ErrNeedCategory) {
		return "结案前请先选择具体的类别（“不清楚”不能结案）"
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

// say shows msg under the queue actions.
func (sc *Screen) say(msg string, c color.Color) {
	sc.queue.message.Text, sc.queue.message.Color = msg, c
	sc.queue.message.Refresh()
}

// render draws the session's state. Call it on the UI thread.
func (sc *Screen) render() {
	st := sc.s.State()
	sc.renderHeader()
	sc.renderQueue(st)
	sc.renderPriority(st.Current)
	sc.enableButtons(st)
	sc.renderForm()
	// Rows came and went: lay the whole console out again.
	sc.root.Refresh()
}

// enableButtons enables the actions the window's state allows and that are not in flight.
func (sc *Screen) enableButtons(st app.WindowState) {
	hasCurrent := st.Current != nil
	called := hasCurrent && st.Current.Status == app.TicketCalled
	shown := sc.visitor.history
	enable := map[Action]bool{
		ActCall: !hasCurrent && !st.Paused, ActRecall: called, ActSkip: called, ActTransfer: hasCurrent,
		ActHold: hasCurrent, ActPause: true, ActStart: called, ActComplete: hasCurrent, ActNumber: !hasCurrent,
		ActReprint: hasCurrent, ActReveal: hasCurrent && shown != nil && shown.Visitor != nil,
		ActSave: hasCurrent && shown != nil && shown.Case != nil, ActHelp: true, ActConfirm: unchecked(st.Current),
	}
	for a, b := range sc.buttons {
		setEnabled(b, enable[a] && !sc.s.InFlight(a))
	}
}

// serviceName returns the name of the service with code, or the code.
func (sc *Screen) serviceName(code string) string {
	if svc, ok := sc.s.Info.Service(code); ok {
		return svc.Name
	}
	return code
}
