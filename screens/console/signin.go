package console

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/screens/theme"
)

// signInForm is what the console shows until a staff member signs in: the hall's staff as big
// buttons, and once one is picked their PIN on a keypad (or the keyboard) and the services served
// this time. Nobody types a name, so a console PC needs no Chinese input method.
type signInForm struct {
	box      *fyne.Container           // the centred card
	names    *fyne.Container           // step 1: a button per staff member
	pinStep  *fyne.Container           // step 2: who, PIN, services, 登录
	who      *canvas.Text              // the picked staff member and their 工号
	picked   string                    // the picked staff member's name
	staff    map[string]*widget.Button // step 1's buttons by name
	keys     map[string]*widget.Button // the keypad's buttons by key
	pin      *keyEntry
	services *widget.CheckGroup
	submit   *widget.Button
	err      *canvas.Text    // why the last sign-in failed
	codes    func() []string // the codes of the services checked
}

// keypadKeys are the PIN keypad's keys, row by row.
var keypadKeys = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "清除", "0", "退格"}

// buildSignIn makes the sign-in card, with the window's services checked.
func (sc *Screen) buildSignIn() {
	f := &sc.signIn
	f.staff, f.keys = map[string]*widget.Button{}, map[string]*widget.Button{}
	grid := container.NewGridWithColumns(4)
	for _, st := range sc.s.Info.Staff {
		label := st.Name
		if st.ID != "" {
			label += "  " + st.ID
		}
		b := widget.NewButton(label, func() { sc.pickStaff(st.Name) })
		f.staff[st.Name] = b
		b.Importance = widget.HighImportance
		grid.Add(container.New(layout.NewGridWrapLayout(fyne.NewSize(150, 56)), b))
	}
	f.names = container.NewVBox(text("请选择您的姓名", theme.Ink, 20, true), grid)
	if len(sc.s.Info.Staff) == 0 {
		f.names = container.NewVBox(text("本大厅尚未配置工作人员（配置文件 [[staff]]），无法登录", theme.Alert, 18, true))
	}

	f.who = text("", theme.Navy, 22, true)
	other := widget.NewButton("换人", func() { sc.pickStaff("") })
	f.pin = newKeyEntry(false)
	f.pin.Password = true
	f.pin.SetPlaceHolder("密码（PIN）")
	f.pin.OnSubmitted = func(string) { sc.doSignIn() }
	keypad := container.NewGridWithColumns(3)
	for _, k := range keypadKeys {
		f.keys[k] = widget.NewButton(k, func() { f.press(k) })
		keypad.Add(outlined(f.keys[k]))
	}
	var names []string
	byName := map[string]string{}
	for _, svc := range sc.s.Info.Services {
		names = append(names, svc.Name)
		byName[svc.Name] = svc.Code
	}
	f.services = widget.NewCheckGroup(names, nil)
	for _, code := range sc.s.WindowServices() {
		if svc, ok := sc.s.Info.Service(code); ok {
			f.services.Selected = append(f.services.Selected, svc.Name)
		}
	}
	f.services.Horizontal = true
	f.submit = widget.NewButton("登录", func() { sc.doSignIn() })
	f.submit.Importance = widget.HighImportance
	f.err = text("", theme.Alert, 18, true)
	f.pinStep = container.NewVBox(
		container.NewBorder(nil, nil, nil, outlined(other), f.who),
		f.pin,
		container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(420, 216)), keypad)),
		text("本次服务", theme.Ink, 18, true), f.services,
		f.err, f.submit)
	f.pinStep.Hide()

	box := container.NewVBox(text("窗口工作人员登录", theme.Navy, 28, true),
		text(sc.s.Info.Name+" · "+sc.s.WindowName(), theme.Muted, 18, false), widget.NewSeparator(),
		f.names, f.pinStep)
	sized := container.New(layout.NewGridWrapLayout(fyne.NewSize(680, max(box.MinSize().Height, 560)+40)), card(box))
	f.box = container.NewCenter(sized)
	f.codes = func() []string {
		var out []string
		for _, n := range f.services.Selected {
			out = append(out, byName[n])
		}
		return out
	}
}

// press types a keypad key into the PIN.
func (f *signInForm) press(key string) {
	switch key {
	case "清除":
		f.pin.SetText("")
	case "退格":
		if r := []rune(f.pin.Text); len(r) > 0 {
			f.pin.SetText(string(r[:len(r)-1]))
		}
	default:
		f.pin.SetText(f.pin.Text + key)
	}
}

// pickStaff shows the PIN step for the staff member called name, or the names again for "".
func (sc *Screen) pickStaff(name string) {
	f := &sc.signIn
	f.picked = name
	f.pin.SetText("")
	f.err.Text = ""
	f.err.Refresh()
	if name == "" {
		f.pinStep.Hide()
		f.names.Show()
		f.box.Refresh()
		return
	}
	f.who.Text = name
	if id := sc.s.Info.StaffID(name); id != "" {
		f.who.Text += "（工号 " + id + "）"
	}
	f.who.Refresh()
	f.names.Hide()
	f.pinStep.Show()
	f.box.Refresh()
	if sc.canvas != nil {
		sc.canvas.Focus(f.pin)
	}
}

// doSignIn signs the picked staff member in and, once signed in, shows the console.
func (sc *Screen) doSignIn() {
	f := &sc.signIn
	name, pin := f.picked, f.pin.Text
	switch {
	case name == "":
		f.err.Text = "请先选择您的姓名"
	case pin == "":
		f.err.Text = "请输入密码"
	case len(f.services.Selected) == 0:
		f.err.Text = "请至少选择一项业务"
	default:
		f.err.Text = ""
	}
	if f.err.Text != "" {
		f.err.Refresh()
		return
	}
	services := f.codes()
	sc.run(ActSignIn, f.submit, func(ctx context.Context) error {
		_, err := sc.s.SignIn(ctx, name, pin, services)
		if err == nil {
			sc.s.Refresh(ctx)
			sc.s.RefreshHelp(ctx)
		}
		return err
	}, func(err error) {
		f.pin.SetText("")
		if err != nil {
			f.err.Text = errText(err)
			f.err.Refresh()
			return
		}
		sc.pickStaff("")
		f.box.Hide()
		sc.main.Show()
		sc.render()
		sc.afterTicketChange()
		sc.loadStats()
	})
}

// signOut ends the staff session and goes back to the sign-in card.
func (sc *Screen) signOut() {
	sc.background(func(ctx context.Context) func() {
		if err := sc.s.SignOut(ctx); err != nil {
			slog.Warn("sign-out failed", "err", err)
		}
		return func() {
			sc.main.Hide()
			sc.signIn.box.Show()
			sc.clearVisitor()
			sc.root.Refresh()
		}
	})
}
