package console

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/hub"
	"fengqiao/screens/theme"
)

// header is the console's top: the band with the window, the staff member, the sync indicator, the
// notice of records lost in a restore and 签退, and under it the banners for an unreachable hub
// and for help alerts.
type header struct {
	staff       *canvas.Text
	sync        *canvas.Text    // 未同步 N 条, for staff only, when the centre has not confirmed records for a while
	lost        *fyne.Container // records lost when the hall's database was restored: staff re-check the day
	lostText    *canvas.Text
	signOutBtn  *widget.Button
	casesBtn    *widget.Button  // the page of cases handed to this hall, and look-up by 查询码
	bookingsBtn *widget.Button  // the page of the day's appointments (今日预约)
	offline     *fyne.Container // the hub is unreachable
	help        *fyne.Container // a help alert from the kiosk
	helpText    *canvas.Text
	takeHelpBtn *widget.Button
}

// buildHeader makes the band and the banners under it.
func (sc *Screen) buildHeader() fyne.CanvasObject {
	h := &sc.header
	title := text(sc.s.Info.Name+" · "+sc.s.WindowName(), theme.OnPrimary, 22, true)
	h.staff = text("", theme.OnPrimary, 18, false)
	h.sync = text("", theme.OnPrimary, 16, false)
	h.lostText = text("", theme.OnPrimary, 16, true)
	h.lost = container.NewStack(canvas.NewRectangle(theme.Alert), container.New(layout.NewCustomPaddedLayout(4, 4, 10, 10), h.lostText))
	h.lost.Hide()
	h.signOutBtn = widget.NewButton("签退", func() { sc.signOut() })
	h.casesBtn = widget.NewButton(casesTitle, func() { sc.openCases() })
	h.bookingsBtn = widget.NewButton(bookingsTitle, func() { sc.openBookings() })
	right := container.NewHBox(container.NewCenter(h.lost), container.NewCenter(h.sync), container.NewCenter(h.staff), h.bookingsBtn,
		h.casesBtn, h.signOutBtn)
	band := container.NewStack(canvas.NewRectangle(theme.Navy),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 12), container.NewBorder(nil, nil, container.NewCenter(title), right)))

	h.offline = container.NewStack(canvas.NewRectangle(theme.Alert), container.New(layout.NewCustomPaddedLayout(6, 6, 16, 16),
		text("无法连接叫号服务器，正在重新连接…已填写的内容会保留", theme.OnPrimary, 18, true)))
	h.offline.Hide()
	h.helpText = text("", theme.OnPrimary, 20, true)
	h.takeHelpBtn = widget.NewButton("我去处理", func() { sc.takeHelp() })
	sc.buttons[ActHelp] = h.takeHelpBtn
	h.help = container.NewStack(canvas.NewRectangle(theme.Warning), container.New(layout.NewCustomPaddedLayout(6, 6, 16, 16),
		container.NewBorder(nil, nil, nil, h.takeHelpBtn, container.NewCenter(h.helpText))))
	h.help.Hide()
	return container.NewVBox(band, h.offline, h.help)
}

// renderHeader draws who is signed in, whether the hub is reachable and the oldest help alert.
func (sc *Screen) renderHeader() {
	h := &sc.header
	if staff := sc.s.Staff(); staff != nil {
		h.staff.Text = "工作人员：" + staff.Staff
	} else {
		h.staff.Text = ""
	}
	h.staff.Refresh()
	if sc.s.Online() {
		h.offline.Hide()
	} else {
		h.offline.Show()
	}
	alerts := sc.s.Help()
	if len(alerts) == 0 {
		h.help.Hide()
		return
	}
	a := alerts[0]
	h.helpText.Text = fmt.Sprintf("%s 呼叫工作人员（%s）", a.Source, a.RaisedAt.In(sc.s.Info.Location()).Format("15:04"))
	if len(alerts) > 1 {
		h.helpText.Text += fmt.Sprintf("，另有 %d 条", len(alerts)-1)
	}
	h.helpText.Refresh()
	h.help.Show()
}

// takeHelp takes the oldest help alert in the staff member's name.
func (sc *Screen) takeHelp() {
	alerts := sc.s.Help()
	if len(alerts) == 0 {
		return
	}
	id := alerts[0].ID
	sc.run(ActHelp, sc.header.takeHelpBtn, func(ctx context.Context) error { return sc.s.TakeHelp(ctx, id) }, func(err error) {
		if err != nil {
			sc.say(errText(err), theme.Alert)
		}
	})
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

// showSync shows 未同步 N 条 when the centre has not confirmed records for a while, and a red
// banner when records were lost in a restore of the hall's database.
func (sc *Screen) showSync(st hub.SyncState) {
	h := &sc.header
	h.sync.Text = ""
	if st.Stale {
		h.sync.Text = fmt.Sprintf("未同步 %d 条", st.Backlog)
	}
	h.sync.Refresh()
	if st.Lost > 0 {
		h.lostText.Text = fmt.Sprintf("恢复备份后有 %d 条记录未能找回，请核对当天登记", st.Lost)
		h.lostText.Refresh()
		h.lost.Show()
	} else {
		h.lost.Hide()
	}
}
