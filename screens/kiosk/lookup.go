package kiosk

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"fengqiao/app"
	kt "fengqiao/screens/theme"
)

// typeCodeLabel is the lookup screen's button to the case-code keypad.
const typeCodeLabel = "输入回执上的查询码"

func (k *Kiosk) lookupScreen() fyne.CanvasObject {
	b := k.body()
	scanState := "把回执上的二维码对准扫描口，听到“嘀”声即可。"
	if k.scannerSeen && !k.scannerOK {
		scanState = "扫描器暂时不能用，请用其他办法。"
	}
	scan := card(container.NewBorder(nil, nil, qrImage("https://zz.example.gov.cn/t/sample", b*2.4), nil,
		lines(text("扫描回执二维码", b*1.2, kt.Ink), k.para(scanState))), b*0.5, b*0.4)
	cardState := "放在" + k.opts.ReaderPlace + "的感应区，查看本人正在办理的事项。"
	if k.readerDown() {
		cardState = "读卡器暂时不能用，请用其他办法。"
	}
	idc := card(container.NewBorder(nil, nil, k.readerPicture(b*2.4), nil, lines(text("放身份证", b*1.2, kt.Ink), k.para(cardState))), b*0.5, b*0.4)
	typ := k.primary(typeCodeLabel, func() { k.flow.TypeCode(); k.render() })
	grid := container.NewGridWithColumns(k.cols(2), scan, idc)
	return k.page("查询办理进度", "用下面任意一种办法：", container.NewBorder(nil, typ, nil, nil, container.NewVScroll(grid)))
}

const crockfordKeys = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeHint tells where the code is on the receipt: printed above its QR code (package printing).
const codeHint = "20位，印在回执二维码上方"

func (k *Kiosk) codeKeypadScreen() fyne.CanvasObject {
	keys := make([]string, 0, 32)
	for _, c := range crockfordKeys {
		keys = append(keys, string(c))
	}
	cols := 8
	if k.portrait() {
		cols = 6
	}
	entry := k.entryView(k.flow.Typed(), []int{4}, codeHint)
	clr := k.secondary("清空", func() { k.flow.ClearEntry(); k.render() })
	del := k.secondary("删除", func() { k.flow.Delete(); k.render() })
	ok := k.primary("查询", func() { k.act(k.flow.SubmitCode()); k.render() })
	top := container.NewBorder(nil, nil, nil, hbox(clr, del, ok), entry)
	if k.portrait() {
		top = container.New(stackVLayout{}, entry, container.NewGridWithColumns(3, clr, del, ok))
	}
	return k.page("请输入查询码", "", container.NewBorder(container.New(stackVLayout{}, top, k.errorLine("")), nil, nil, nil, k.keypad(keys, cols)))
}

func (k *Kiosk) caseListScreen() fyne.CanvasObject {
	b := k.body()
	cases := k.flow.S.Cases
	if len(cases) == 0 {
		return k.page("您目前没有正在办理的事项", "已经办结的事项，请扫描回执二维码，或输入回执上的查询码。",
			container.NewBorder(nil, k.primary(typeCodeLabel, func() { k.flow.TypeCode(); k.render() }), nil, nil))
	}
	list := vbox()
	for i, c := range cases {
		i := i
		name := k.serviceName(c.Service)
		row := hbox(badge(glyph(app.Service{Code: c.Service, Name: name}), kt.ServiceColour(k.serviceIndex(c.Service)), b*2.2, b*1.1),
			container.NewCenter(lines(text(name+"  "+c.Category, b*1.1, kt.Ink),
				text(fmt.Sprintf("%s登记，现在：%s", k.date(c.OpenedAt), c.Status.Label()), b, kt.Muted))),
			spacer(), container.NewCenter(text("›", b*1.8, kt.Navy)))
		list.Add(newTile("事项"+fmt.Sprint(i+1), kt.Card, kt.Separator, b*0.4, k.btnH(), b*0.4, row, k.tapped(func() { k.flow.ShowCase(i); k.render() })))
	}
	return k.page(fmt.Sprintf("您有%d件正在办理的事项", len(cases)), "点一件查看进度。", container.NewVScroll(list))
}

func (k *Kiosk) serviceIndex(code string) int {
	for i, s := range k.opts.Info.Services {
		if s.Code == code {
			return i
		}
	}
	return 0
}

func (k *Kiosk) date(t time.Time) string {
	t = t.In(k.opts.Location)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func (k *Kiosk) caseScreen() fyne.CanvasObject {
	b := k.body()
	c := k.flow.S.Case
	head := lines(k.infoRow("事项", k.serviceName(c.Service)+"  "+c.Category), k.infoRow("查询码", c.Code))
	unit := c.Unit
	if unit == "" {
		unit = "待分配"
	}
	head.Add(k.infoRow("办理单位", unit))
	if c.Visitor != nil && c.Visitor.Name != "" {
		head.Add(k.infoRow("反映人", c.Visitor.Name))
	}
	if c.Result != "" {
		head.Add(k.infoRow("结果", c.Result.Label()))
	}
	body := container.NewBorder(card(head, b*0.5, b*0.4), nil, nil, nil, container.NewVScroll(card(k.timeline(c), b*0.5, b*0.4)))
	if !k.portrait() {
		body = container.NewGridWithColumns(2, container.NewVScroll(card(head, b*0.5, b*0.4)), container.NewVScroll(card(k.timeline(c), b*0.5, b*0.4)))
	}
	return k.page("办理进度", "", body)
}

// timeline is each stage of a case with the date it was reached.
func (k *Kiosk) timeline(c *app.Case) fyne.CanvasObject {
	b := k.body()
	reached := map[app.CaseStatus]time.Time{}
	for _, e := range c.History {
		if e.Kind == app.EntryStatus && e.Status != "" {
			reached[e.Status] = e.At
		}
	}
	if _, ok := reached[app.CaseRegistered]; !ok {
		reached[app.CaseRegistered] = c.OpenedAt
	}
	stages := app.CaseStatuses
	if c.Status == app.CaseRejected {
		stages = []app.CaseStatus{app.CaseRegistered, app.CaseRejected}
	}
	list := container.New(stackVLayout{})
	for _, st := range stages {
		at, done := reached[st]
		current := st == c.Status
		// A stage not reached yet: a hollow dot and muted (still 4.5:1) text.
		dot := canvas.NewCircle(kt.Card)
		dot.StrokeColor, dot.StrokeWidth = kt.Muted, 2
		ink, when := color.Color(kt.Muted), "未到"
		switch {
		case current && st == app.CaseRejected:
			dot.FillColor, ink = kt.Alert, kt.Alert
		case current:
			dot.FillColor, ink = kt.Navy, kt.Navy
		case done:
			dot.FillColor, ink = kt.Success, kt.Ink
		}
		if done {
			when = k.date(at)
		}
		label := st.Label()
		if current && !st.Final() {
			label += "（正在办理）"
		}
		marker := container.NewCenter(withMin(b*0.8, b*0.8, dot))
		row := container.NewBorder(nil, nil, withMin(b*1.2, 1, marker), text(when, b, ink), text(label, b, ink))
		list.Add(container.New(&padLayout{pad: b * 0.2}, row))
	}
	return list
}

func (k *Kiosk) messageScreen() fyne.CanvasObject {
	b := k.body()
	n := k.flow.S.Notice
	c := kt.Warning
	if n.Fault {
		c = kt.Alert
	}
	icon := badge("!", c, b*2.4, b*1.5)
	msg := lines(text(n.Title, b*1.3, kt.Ink), k.para(n.Body))
	home := k.primary("回到首页", func() { k.flow.Home(); k.render() })
	content := container.NewBorder(nil, home, nil, nil, container.NewVScroll(container.NewBorder(nil, nil, container.NewVBox(icon), nil, msg)))
	return k.page("", "", card(content, b*0.6, b*0.4))
}

func (k *Kiosk) pinScreen() fyne.CanvasObject {
	keys := k.keypad([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", "删除"}, 3)
	ok := k.primary("确定", func() {
		if k.flow.SubmitPIN(k.checkPIN) {
			k.log.Info("kiosk: staff signed in")
		}
		k.render()
	})
	entry := k.entryView(strings.Repeat("●", len(k.flow.S.PIN)), nil, "工作人员密码")
	status := ""
	if k.flow.S.PINWrong {
		status = "密码不对，请重新输入"
	}
	return k.keypadPage("工作人员", "请输入工作人员密码。", entry, status, keys, ok)
}

func (k *Kiosk) staffScreen() fyne.CanvasObject {
	b := k.body()
	quit := k.button("退出自助机", kt.Alert, kt.OnPrimary, nil, func() {
		k.log.Info("kiosk: staff quit")
		if k.opts.OnQuit != nil {
			k.opts.OnQuit()
		}
	})
	back := k.primary("返回服务", func() { k.flow.Home(); k.render() })
	state := "读卡器：未知"
	if k.readerKnown {
		state = "读卡器：" + k.reader.Label()
	}
	if k.scannerSeen {
		if k.scannerOK {
			state += "  扫描器：就绪"
		} else {
			state += "  扫描器：未连接"
		}
	}
	return k.page("工作人员", state, container.NewCenter(withMin(b*12, 1, vbox(back, gap(1, b), quit))))
}
