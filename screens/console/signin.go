package console

import (
	"context"
	"log/slog"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/screens/theme"
)

// signInForm is what the console shows until a staff member signs in: name (Screen.Name), PIN
// and the services served this time.
type signInForm struct {
	box      *fyne.Container // the centred form
	pin      *keyEntry
	services *widget.CheckGroup
	submit   *widget.Button
	err      *canvas.Text    // why the last sign-in failed
	codes    func() []string // the codes of the services checked
}

// buildSignIn makes the sign-in form, with the window's services checked.
func (sc *Screen) buildSignIn() {
	sc.Name = newKeyEntry(false)
	sc.Name.SetPlaceHolder("姓名")
	sc.signIn.pin = newKeyEntry(false)
	sc.signIn.pin.Password = true
	sc.signIn.pin.SetPlaceHolder("密码（PIN）")
	sc.signIn.pin.OnSubmitted = func(string) { sc.doSignIn() }
	var names []string
	byName := map[string]string{}
	for _, svc := range sc.s.Info.Services {
		names = append(names, svc.Name)
		byName[svc.Name] = svc.Code
	}
	sc.signIn.services = widget.NewCheckGroup(names, nil)
	for _, code := range sc.s.WindowServices() {
		for _, svc := range sc.s.Info.Services {
			if svc.Code == code {
				sc.signIn.services.Selected = append(sc.signIn.services.Selected, svc.Name)
			}
		}
	}
	sc.signIn.services.Horizontal = true
	sc.signIn.submit = widget.NewButton("登录", func() { sc.doSignIn() })
	sc.signIn.submit.Importance = widget.HighImportance
	sc.signIn.err = text("", theme.Alert, 18, true)
	form := widget.NewForm(
		widget.NewFormItem("姓名", sc.Name),
		widget.NewFormItem("密码", sc.signIn.pin),
		widget.NewFormItem("本次服务", sc.signIn.services),
	)
	box := container.NewVBox(text("窗口工作人员登录", theme.Navy, 28, true),
		text(sc.s.Info.Name+" · "+sc.s.WindowName(), theme.Muted, 18, false), widget.NewSeparator(),
		form, sc.signIn.err, sc.signIn.submit)
	sized := container.New(layout.NewGridWrapLayout(fyne.NewSize(max(640, box.MinSize().Width+48), box.MinSize().Height+40)), card(box))
	sc.signIn.box = container.NewCenter(sized)
	sc.signIn.codes = func() []string {
		var out []string
		for _, n := range sc.signIn.services.Selected {
			out = append(out, byName[n])
		}
		return out
	}
}

// doSignIn signs the staff member in and, once signed in, shows the console.
func (sc *Screen) doSignIn() {
	name, pin := strings.TrimSpace(sc.Name.Text), sc.signIn.pin.Text
	if name == "" || pin == "" {
		sc.signIn.err.Text = "请输入姓名和密码"
		sc.signIn.err.Refresh()
		return
	}
	if len(sc.signIn.services.Selected) == 0 {
		sc.signIn.err.Text = "请至少选择一项业务"
		sc.signIn.err.Refresh()
		return
	}
	services := sc.signIn.codes()
	sc.run(ActSignIn, sc.signIn.submit, func(ctx context.Context) error {
		_, err := sc.s.SignIn(ctx, name, pin, services)
		if err == nil {
			sc.s.Refresh(ctx)
			sc.s.RefreshHelp(ctx)
		}
		return err
	}, func(err error) {
		if err != nil {
			sc.signIn.err.Text = errText(err)
			sc.signIn.err.Refresh()
			sc.signIn.pin.SetText("")
			return
		}
		sc.signIn.err.Text = ""
		sc.signIn.pin.SetText("")
		sc.signIn.box.Hide()
		sc.main.Show()
		sc.render()
		sc.afterTicketChange()
		sc.loadStats()
	})
}

// signOut ends the staff session and goes back to the sign-in form.
func (sc *Screen) signOut() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.opt.Timeout)
		defer cancel()
		if err := sc.s.SignOut(ctx); err != nil {
			slog.Warn("sign-out failed", "err", err)
		}
		sc.opt.Post(func() {
			sc.main.Hide()
			sc.signIn.box.Show()
			sc.clearVisitor()
			sc.root.Refresh()
		})
	}()
}
