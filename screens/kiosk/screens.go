package kiosk

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	kt "fengqiao/screens/theme"
)

// serviceGlyphs are the simple icons of the default services.
var serviceGlyphs = map[string]string{"petition": "访", "legal": "法", "hotline": "话", "mediation": "调"}

func glyph(s app.Service) string {
	if g, ok := serviceGlyphs[s.Code]; ok {
		return g
	}
	for _, r := range s.Name {
		return string(r)
	}
	return "?"
}

func (k *Kiosk) cols(landscape int) int {
	if k.opts.Portrait {
		return max(1, landscape/2)
	}
	return landscape
}

// serviceTile is a large service button: colour stripe, icon, name and how many wait.
func (k *Kiosk) serviceTile(i int, s app.Service, tap func()) *tile {
	b := k.body()
	c := kt.ServiceColour(i)
	stripe := rect(c, b*0.45, 1)
	name := text(s.Name, b*1.5, kt.Ink, true)
	info := vbox(name)
	if k.queueOK {
		info.Add(text(fmt.Sprintf("现在有 %d 人在等", k.waiting[s.Code]), b, kt.Muted, false))
	}
	row := hbox(badge(glyph(s), c, b*3.6, b*1.7), gap(b*0.7, 1), container.NewCenter(info), spacer(), container.NewCenter(text("›", b*2.4, c, true)))
	content := container.NewBorder(nil, nil, stripe, nil, container.New(&padLayout{pad: b * 0.6}, row))
	return newTile(s.Name, kt.Card, kt.Separator, b*0.5, max(k.btnH(), b*6.2), 0, content, k.tapped(tap))
}

func (k *Kiosk) homeScreen() fyne.CanvasObject {
	b := k.body()
	grid := container.NewGridWithColumns(k.cols(2))
	for i, s := range k.opts.Info.Services {
		code := s.Code
		grid.Add(k.serviceTile(i, s, func() { k.flow.StartCheckIn(code); k.render() }))
	}
	lookupRow := hbox(badge("查", kt.NavyDark, b*3.2, b*1.5), gap(b*0.7, 1),
		container.NewCenter(vbox(text("查询办理进度", b*1.5, kt.OnPrimary, true),
			text("扫回执二维码，或放身份证", b, color.NRGBA{R: 0xdd, G: 0xe6, B: 0xf5, A: 0xff}, false))), spacer(),
		container.NewCenter(text("›", b*2.4, kt.OnPrimary, true)))
	lookup := newTile("查询办理进度", kt.Navy, nil, b*0.5, max(k.btnH(), b*5.2), b*0.6, lookupRow,
		k.tapped(func() { k.flow.StartLookup(); k.render() }))
	hint := k.cardHint()
	bottom := container.NewGridWithColumns(k.cols(2), lookup, hint)
	title := "您好！请选择要办理的事项"
	return k.page(title, "", container.NewBorder(gap(1, b*0.3), vbox(gap(1, b*0.3), bottom), nil, nil, grid))
}

// cardHint tells that a card placed now starts check-in, and the reader's state.
func (k *Kiosk) cardHint() fyne.CanvasObject {
	b := k.body()
	pic := k.readerPicture(b * 3.4)
	var lines *fyne.Container
	if k.readerDown() {
		lines = vbox(text("身份证读卡器暂时不能用", b, kt.Alert, true), para("请选服务后点「无身份证登记」", 0))
	} else {
		lines = vbox(text("带了身份证？", b*1.15, kt.Ink, true), para("直接放在"+k.opts.ReaderPlace+"的感应区，也能开始取号", 0))
	}
	return card(container.NewBorder(nil, nil, pic, nil, lines), b*0.6, b*0.5)
}

func (k *Kiosk) readerDown() bool {
	return k.readerKnown && (k.reader == idcard.StateDisconnected || k.reader == idcard.StateFault)
}

// readerPicture is a simple drawing of a card lying on the reader's sensing area.
func (k *Kiosk) readerPicture(w float32) fyne.CanvasObject {
	h := w * 0.8
	reader := canvas.NewRectangle(color.NRGBA{R: 0x37, G: 0x41, B: 0x51, A: 0xff})
	reader.CornerRadius = w * 0.08
	reader.Resize(fyne.NewSize(w, h*0.45))
	reader.Move(fyne.NewPos(0, h*0.55))
	zone := canvas.NewRectangle(color.NRGBA{R: 0x4f, G: 0xc3, B: 0xf7, A: 0xff})
	zone.CornerRadius = w * 0.04
	zone.Resize(fyne.NewSize(w*0.7, h*0.12))
	zone.Move(fyne.NewPos(w*0.15, h*0.6))
	cardBg := canvas.NewRectangle(color.NRGBA{R: 0xe3, G: 0xf0, B: 0xff, A: 0xff})
	cardBg.StrokeColor, cardBg.StrokeWidth = kt.Navy, 2
	cardBg.CornerRadius = w * 0.05
	cardBg.Resize(fyne.NewSize(w*0.74, h*0.46))
	cardBg.Move(fyne.NewPos(w*0.13, h*0.05))
	photo := canvas.NewRectangle(color.NRGBA{R: 0x9e, G: 0xb8, B: 0xd9, A: 0xff})
	photo.Resize(fyne.NewSize(w*0.18, h*0.28))
	photo.Move(fyne.NewPos(w*0.62, h*0.13))
	objs := []fyne.CanvasObject{reader, zone, cardBg, photo}
	for i := 0; i < 3; i++ {
		l := canvas.NewRectangle(kt.Navy)
		l.Resize(fyne.NewSize(w*0.38, h*0.035))
		l.Move(fyne.NewPos(w*0.2, h*(0.15+0.08*float32(i))))
		objs = append(objs, l)
	}
	c := container.NewWithoutLayout(objs...)
	return withMin(w, h, c)
}

func (k *Kiosk) serviceScreen() fyne.CanvasObject {
	b := k.body()
	grid := container.NewGridWithColumns(k.cols(2))
	for i, s := range k.opts.Info.Services {
		code := s.Code
		grid.Add(k.serviceTile(i, s, func() { k.flow.StartCheckIn(code); k.render() }))
	}
	who := "已读取身份证：" + app.MaskName(k.flow.S.Name)
	return k.page("请选择要办理的事项", who, vbox(gap(1, b*0.3), grid))
}

func (k *Kiosk) identifyScreen() fyne.CanvasObject {
	b := k.body()
	svc, _ := k.flow.Service()
	pic := k.readerPicture(b * 13)
	var status fyne.CanvasObject
	if k.readerDown() {
		status = k.noticeBox(Notice{Title: "读卡器暂时不能用", Body: "请点右边的「无身份证登记」输入号码，或按「呼叫工作人员」。", Fault: true})
	} else {
		status = vbox(text("请把身份证平放在"+k.opts.ReaderPlace+"的感应区", b*1.15, kt.Ink, true),
			para("放好后不要移动，稍等两秒，读好后屏幕会自动进入下一步。", 0))
	}
	noCard := k.button("没带身份证？点这里登记", kt.Card, kt.Navy, kt.Navy, func() { k.flow.NoCard(); k.render() })
	noCard.Label = "无身份证登记"
	left := card(container.NewCenter(pic), b, b*0.5)
	right := vbox(status, gap(1, b), noCard)
	var body fyne.CanvasObject
	if k.opts.Portrait {
		body = vbox(withMin(1, b*16, left), gap(1, b), right)
	} else {
		body = container.NewGridWithColumns(2, left, container.NewPadded(right))
	}
	return k.page("请将身份证放在感应区", "办理："+svc.Name, body)
}

func (k *Kiosk) noticeBox(n Notice) fyne.CanvasObject {
	saved, savedUntil := k.banner, k.bannerUntil
	k.banner = n
	v := k.bannerView()
	k.banner, k.bannerUntil = saved, savedUntil
	return v
}

// keypad returns a grid of keys; each key types its label's byte, special labels act.
func (k *Kiosk) keypad(keys []string, cols int, keyH float32) fyne.CanvasObject {
	grid := container.NewGridWithColumns(cols)
	for _, key := range keys {
		key := key
		var t *tile
		switch key {
		case "删除":
			t = k.button(key, kt.Card, kt.Ink, kt.Separator, func() { k.flow.Delete(); k.render() })
		case "清空":
			t = k.button(key, kt.Card, kt.Ink, kt.Separator, func() { k.flow.ClearEntry(); k.render() })
		case "":
			grid.Add(gap(1, 1))
			continue
		default:
			t = k.button(key, kt.Card, kt.Ink, kt.Separator, func() { k.flow.Key(key[0]); k.render() })
			t.content.(*fyne.Container).Objects[0].(*canvas.Text).TextSize = k.body() * 1.5
		}
		t.minH = keyH
		grid.Add(t)
	}
	return grid
}

// entryView shows what was typed, grouped, in large type, with a caret-like underline.
func (k *Kiosk) entryView(typed string, groups []int, placeholder string) fyne.CanvasObject {
	b := k.body()
	shown := group(typed, groups)
	ink := color.Color(kt.Ink)
	if typed == "" {
		shown, ink = placeholder, kt.Disabled
	}
	t := text(shown, b*1.7, ink, true)
	t.TextStyle.Monospace = typed != ""
	bg := canvas.NewRectangle(kt.Card)
	bg.CornerRadius = b * 0.3
	bg.StrokeColor, bg.StrokeWidth = kt.Navy, 3
	return withMin(1, b*3.4, bg, container.New(&padLayout{pad: b * 0.6}, container.NewCenter(t)))
}

// group inserts spaces after the given group lengths (the last repeats).
func group(s string, groups []int) string {
	if len(groups) == 0 {
		return s
	}
	var sb strings.Builder
	gi, n := 0, 0
	for i := 0; i < len(s); i++ {
		if n == groups[gi] {
			sb.WriteByte(' ')
			n = 0
			if gi < len(groups)-1 {
				gi++
			}
		}
		sb.WriteByte(s[i])
		n++
	}
	return sb.String()
}

func (k *Kiosk) errorLine() fyne.CanvasObject {
	if k.flow.S.InputErr == "" {
		return gap(1, k.body()*1.4)
	}
	return text(k.flow.S.InputErr, k.body()*1.1, kt.Alert, true)
}

func (k *Kiosk) keypadPage(title, hint string, display fyne.CanvasObject, pad fyne.CanvasObject, extra ...fyne.CanvasObject) fyne.CanvasObject {
	b := k.body()
	left := vbox(display, k.errorLine())
	for _, e := range extra {
		left.Add(e)
	}
	if k.opts.Portrait {
		return k.page(title, hint, container.NewBorder(vbox(left, gap(1, b*0.3)), nil, nil, nil, withMin(1, b*18, pad)))
	}
	return k.page(title, hint, container.NewGridWithColumns(2, container.NewPadded(left), pad))
}

// keypadWithOK lets the keys grow to fill the space above the OK button.
func keypadWithOK(keys, ok fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, container.NewVBox(gap(1, 6), ok), nil, nil, keys)
}

func (k *Kiosk) idKeypadScreen() fyne.CanvasObject {
	keys := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "删除"}
	pad := keypadWithOK(k.keypad(keys, 3, k.btnH()*1.05), k.primary("确定", func() { k.flow.SubmitID(); k.render() }))
	disp := k.entryView(k.flow.Typed(), []int{6, 8, 4}, "请输入18位号码")
	return k.keypadPage("请输入身份证号码", "18位号码，最后一位是X的请按X键。", disp, pad,
		para(fmt.Sprintf("已输入 %d 位", len(k.flow.S.IDNumber)), 0))
}

func (k *Kiosk) phoneScreen() fyne.CanvasObject {
	keys := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", "删除"}
	next := k.primary("确定", func() { k.act(k.flow.SubmitPhone()); k.render() })
	pad := keypadWithOK(k.keypad(keys, 3, k.btnH()*1.05), next)
	disp := k.entryView(k.flow.Typed(), []int{3, 4, 4}, "请输入手机号码")
	hint := "方便工作人员联系您，告诉您办理结果。"
	var extra []fyne.CanvasObject
	if !k.flow.PhoneRequired() {
		hint = "可以不填。留了电话，工作人员能告诉您办理结果。"
		skip := k.secondary("不留电话，直接取号", func() { k.act(k.flow.SkipPhone()); k.render() })
		extra = append(extra, skip)
	}
	return k.keypadPage("请输入您的电话号码", hint, disp, pad, extra...)
}

// infoRow is one line of the confirmation card: a label and a value.
func (k *Kiosk) infoRow(label, value string) fyne.CanvasObject {
	b := k.body()
	l := text(label, b, kt.Muted, false)
	return container.NewBorder(nil, nil, withMin(b*4.2, 1, l), nil, text(value, b*1.15, kt.Ink, true))
}

// toggle is a tile that shows a tick box and whether it is on.
func (k *Kiosk) toggle(label string, on bool, tap func()) *tile {
	b := k.body()
	box := canvas.NewRectangle(kt.Card)
	box.StrokeColor, box.StrokeWidth = kt.Navy, 3
	box.CornerRadius = b * 0.15
	fill, ink := color.Color(kt.Card), color.Color(kt.Ink)
	var mark fyne.CanvasObject = gap(1, 1)
	if on {
		fill, ink = color.NRGBA{R: 0xe3, G: 0xee, B: 0xfb, A: 0xff}, kt.Navy
		box.FillColor = kt.Navy
		tick := text("✓", b*1.1, kt.OnPrimary, true)
		mark = container.NewCenter(tick)
	}
	row := hbox(withMin(b*1.3, b*1.3, box, mark), gap(b*0.4, 1), container.NewCenter(text(label, b*1.1, ink, true)))
	return newTile(label, fill, kt.Navy, b*0.4, k.btnH(), k.pad(), container.NewCenter(row), k.tapped(func() { tap(); k.render() }))
}

const privacyNotice = "我们会记下您的姓名、身份证号码和电话，只用来这次排队叫号、办理和回访您反映的事，不做别的用途，也不会告诉无关的人。身份证号码属于敏感个人信息，依照《个人信息保护法》受保护。"

func (k *Kiosk) confirmScreen() fyne.CanvasObject {
	b := k.body()
	s := &k.flow.S
	svc, _ := k.flow.Service()
	info := vbox(k.infoRow("办理", svc.Name))
	if s.Name != "" {
		info.Add(k.infoRow("姓名", app.MaskName(s.Name)))
	}
	info.Add(k.infoRow("身份证", app.MaskIDNumber(string(s.IDNumber))))
	if len(s.Phone) > 0 {
		info.Add(k.infoRow("电话", app.MaskPhone(string(s.Phone))))
	}
	left := vbox(card(info, b*0.7, b*0.4))

	// Priority: from age, or declared.
	if auto := k.flow.AutoPriority(); auto != app.PriorityNone {
		left.Add(k.noticeBox(Notice{Title: auto.Label(), Body: "您年满" + fmt.Sprint(k.flow.ElderlyAge) + "岁，会优先叫号。"}))
	} else {
		left.Add(text("需要优先办理吗？（没有就不用点）", b, kt.Muted, false))
		opts := []fyne.CanvasObject{k.toggle("我是残疾人", s.Declared == app.PriorityDisabled, func() { k.flow.Declare(app.PriorityDisabled) })}
		if k.flow.Female() {
			opts = append(opts, k.toggle("我是孕妇", s.Declared == app.PriorityPregnant, func() { k.flow.Declare(app.PriorityPregnant) }))
		}
		left.Add(container.NewGridWithColumns(len(opts), opts...))
	}

	// Open cases of the card holder.
	if s.FromCard && len(s.OpenCases) > 0 {
		left.Add(text(fmt.Sprintf("您有%d件正在办理的事项", len(s.OpenCases)), b*1.15, kt.Navy, true))
		for _, c := range s.OpenCases {
			code := c.Code
			name := k.serviceName(c.Service)
			label := fmt.Sprintf("继续办：%s %s（%s）", name, c.Category, c.Status.Label())
			left.Add(k.toggle(label, s.LinkCase == code, func() { k.flow.SetLink(code) }))
		}
		left.Add(k.toggle("这是一件新事项", s.LinkCase == "", func() { k.flow.SetLink("") }))
	}

	notice := vbox(text("个人信息说明", b*1.15, kt.Ink, true), para(privacyNotice, 0))
	right := vbox(card(notice, b*0.7, b*0.4),
		k.toggle("我已了解，同意登记", s.Consent, func() { k.flow.SetConsent(!s.Consent) }),
		k.errorLine(),
		k.primary("下一步", func() { k.act(k.flow.Confirm()); k.render() }))
	var body fyne.CanvasObject
	if k.opts.Portrait {
		body = vbox(left, gap(1, b*0.5), right)
	} else {
		body = container.NewGridWithColumns(2, container.NewPadded(left), container.NewPadded(right))
	}
	return k.page("请核对您的信息", "", body)
}

func (k *Kiosk) serviceName(code string) string {
	if s, ok := k.opts.Info.Service(code); ok {
		return s.Name
	}
	return code
}

func (k *Kiosk) categoryScreen() fyne.CanvasObject {
	svc, _ := k.flow.Service()
	grid := container.NewGridWithColumns(k.cols(3))
	for _, c := range svc.Categories {
		c := c
		t := k.button(c, kt.Card, kt.Ink, kt.Separator, func() { k.act(k.flow.ChooseCategory(c)); k.render() })
		t.minH = k.btnH() * 1.4
		grid.Add(t)
	}
	return k.page("您要说的是哪方面的事？", "选一个最接近的；说不清的选「其他」，工作人员会帮您。", vbox(gap(1, k.body()*0.4), grid))
}

func (k *Kiosk) busyScreen() fyne.CanvasObject {
	b := k.body()
	t := text("正在办理，请稍候……", b*1.6, kt.Navy, true)
	return k.page("", "", container.NewCenter(vbox(t, widget.NewProgressBarInfinite())))
}

// qrImage draws a QR code of s as a crisp image.
func qrImage(s string, side float32) fyne.CanvasObject {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return gap(side, side)
	}
	q.DisableBorder = false
	img := canvas.NewImageFromImage(q.Image(256))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(side, side))
	return img
}

func (k *Kiosk) resultScreen() fyne.CanvasObject {
	b := k.body()
	t := k.flow.S.Ticket
	svc := k.serviceName(t.Service)
	ok := text("取号成功", b*1.3, kt.Success, true)
	label := text(t.Label, b*5.2, kt.Navy, true)
	ahead := fmt.Sprintf("前面还有 %d 人在等", t.Ahead)
	if t.Ahead == 0 {
		ahead = "前面没有人在等，请留意叫号"
	}
	left := vbox(ok, text(svc, b*1.2, kt.Ink, true), label, text(ahead, b*1.3, kt.Ink, true))
	if p := t.Priority; p != app.PriorityNone {
		left.Add(text(p.Label(), b*1.1, kt.Success, true))
	}
	left.Add(para(k.opts.Info.WaitArea, 0))
	switch err := k.flow.S.PrintErr; {
	case err == nil:
		left.Add(text("请取走下方的凭条", b*1.1, kt.Navy, true))
	case err == ErrPaperOut:
		left.Add(k.noticeBox(Notice{Title: "凭条打印纸用完了", Body: "请记住您的号码「" + t.Label + "」，或用手机拍下二维码。已通知工作人员加纸。", Fault: true}))
	default:
		left.Add(k.noticeBox(Notice{Title: "凭条没有打印出来", Body: "请记住您的号码「" + t.Label + "」，或用手机拍下二维码。", Fault: true}))
	}
	qr := qrImage(k.opts.Info.TrackingURL(t.CaseCode), b*13)
	right := vbox(container.NewCenter(qr), container.NewCenter(text("用手机扫码，随时查看办理进度", b, kt.Ink, false)),
		container.NewCenter(text("查询码 "+t.CaseCode, b*0.9+2, kt.Muted, false)))
	k.countdown = text(k.countdownText(), b, kt.Muted, false)
	done := k.primary("完成", func() { k.flow.Home(); k.render() })
	var body fyne.CanvasObject
	if k.opts.Portrait {
		body = vbox(card(left, b, b*0.5), card(right, b, b*0.5), container.NewBorder(nil, nil, nil, withMin(b*8, 0, done), container.NewCenter(k.countdown)))
	} else {
		body = container.NewBorder(nil, container.NewBorder(nil, nil, nil, withMin(b*8, 0, done), container.NewCenter(k.countdown)), nil, nil,
			container.NewGridWithColumns(2, card(left, b, b*0.5), card(container.NewCenter(right), b, b*0.5)))
	}
	return k.page("", "", body)
}

func (k *Kiosk) lookupScreen() fyne.CanvasObject {
	b := k.body()
	scanPic := qrImage("https://zz.example.gov.cn/t/sample", b*5)
	scanState := "把回执上的二维码对准扫描口，听到「嘀」声即可"
	if k.scannerSeen && !k.scannerOK {
		scanState = "扫描器暂时不能用，请用下面两种办法"
	}
	scan := card(container.NewBorder(nil, nil, scanPic, nil, vbox(text("扫描回执二维码", b*1.3, kt.Ink, true), para(scanState, 0))), b*0.7, b*0.5)
	cardState := "放在" + k.opts.ReaderPlace + "的感应区，查看本人正在办理的事项"
	if k.readerDown() {
		cardState = "读卡器暂时不能用，请用其他办法"
	}
	idc := card(container.NewBorder(nil, nil, k.readerPicture(b*5), nil, vbox(text("放身份证", b*1.3, kt.Ink, true), para(cardState, 0))), b*0.7, b*0.5)
	typ := k.primary("输入回执上的查询码", func() { k.flow.TypeCode(); k.render() })
	typ.Label = "输入查询码"
	grid := container.NewGridWithColumns(k.cols(2), scan, idc)
	return k.page("查询办理进度", "用下面任意一种办法：", vbox(gap(1, b*0.3), grid, gap(1, b*0.5), typ))
}

const crockfordKeys = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func (k *Kiosk) codeKeypadScreen() fyne.CanvasObject {
	b := k.body()
	keys := make([]string, 0, 32)
	for _, c := range crockfordKeys {
		keys = append(keys, string(c))
	}
	cols := 8
	if k.opts.Portrait {
		cols = 6
		keys = append(keys, "清空", "删除", "", "")
	}
	pad := k.keypad(keys, cols, k.btnH()*0.95)
	disp := k.entryView(k.flow.Typed(), []int{4}, "20位，印在回执二维码下方")
	ok := k.primary("查询", func() { k.act(k.flow.SubmitCode()); k.render() })
	var top fyne.CanvasObject
	if k.opts.Portrait {
		top = vbox(disp, k.errorLine())
		return k.page("请输入查询码", "", container.NewBorder(top, ok, nil, nil, pad))
	}
	del := k.button("删除", kt.Card, kt.Ink, kt.Separator, func() { k.flow.Delete(); k.render() })
	clr := k.button("清空", kt.Card, kt.Ink, kt.Separator, func() { k.flow.ClearEntry(); k.render() })
	actions := hbox(withMin(b*4.5, 0, clr), withMin(b*4.5, 0, del), withMin(b*6, 0, ok))
	top = vbox(container.NewBorder(nil, nil, nil, actions, disp), k.errorLine())
	return k.page("请输入查询码", "", container.NewBorder(top, nil, nil, nil, pad))
}

func (k *Kiosk) caseListScreen() fyne.CanvasObject {
	b := k.body()
	cases := k.flow.S.Cases
	if len(cases) == 0 {
		return k.page("您目前没有正在办理的事项", "已经办结的事项，请扫描回执二维码或输入查询码查看。",
			vbox(gap(1, b), k.primary("输入查询码", func() { k.flow.TypeCode(); k.render() })))
	}
	list := vbox()
	for i, c := range cases {
		i := i
		row := hbox(badge(glyph(app.Service{Code: c.Service, Name: k.serviceName(c.Service)}), kt.ServiceColour(k.serviceIndex(c.Service)), b*2.8, b*1.3), gap(b*0.6, 1),
			container.NewCenter(vbox(text(k.serviceName(c.Service)+"  "+c.Category, b*1.2, kt.Ink, true),
				text(fmt.Sprintf("%s登记，现在：%s", k.date(c.OpenedAt), c.Status.Label()), b, kt.Muted, false))),
			spacer(), container.NewCenter(text("›", b*2.2, kt.Navy, true)))
		list.Add(newTile("事项"+fmt.Sprint(i+1), kt.Card, kt.Separator, b*0.5, k.btnH()*1.3, b*0.5, row, k.tapped(func() { k.flow.ShowCase(i); k.render() })))
	}
	return k.page(fmt.Sprintf("您有%d件正在办理的事项", len(cases)), "点一件查看进度。", list)
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
	head := vbox(k.infoRow("事项", k.serviceName(c.Service)+"  "+c.Category), k.infoRow("查询码", c.Code))
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
	// The timeline: each stage with the date it was reached.
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
	timeline := vbox()
	for i, st := range stages {
		at, done := reached[st]
		current := st == c.Status
		dot := color.Color(kt.Disabled)
		ink := color.Color(kt.Disabled)
		when := "未到"
		switch {
		case current && st == app.CaseRejected:
			dot, ink = kt.Alert, kt.Alert
		case current:
			dot, ink = kt.Navy, kt.Navy
		case done:
			dot, ink = kt.Success, kt.Ink
		}
		if done {
			when = k.date(at)
		}
		label := st.Label()
		if current && !st.Final() {
			label += "（正在办理）"
		}
		line := rect(color.Transparent, b*0.2, b*1.2)
		if i < len(stages)-1 {
			line.FillColor = kt.Separator
		}
		marker := vbox(container.NewCenter(withMin(b*1.2, b*1.2, canvas.NewCircle(dot))), container.NewCenter(line))
		row := container.NewBorder(nil, nil, marker, nil,
			container.NewBorder(nil, nil, nil, text(when, b, ink, false), text(label, b*1.1, ink, current)))
		timeline.Add(row)
	}
	var body fyne.CanvasObject
	if k.opts.Portrait {
		body = vbox(card(head, b*0.7, b*0.4), card(timeline, b*0.7, b*0.4))
	} else {
		body = container.NewGridWithColumns(2, container.NewPadded(card(head, b*0.7, b*0.4)), container.NewPadded(card(timeline, b*0.7, b*0.4)))
	}
	return k.page("办理进度", "", body)
}

func (k *Kiosk) messageScreen() fyne.CanvasObject {
	b := k.body()
	n := k.flow.S.Notice
	c := kt.Warning
	if n.Fault {
		c = kt.Alert
	}
	icon := badge("!", c, b*4, b*2.4)
	msg := vbox(text(n.Title, b*1.6, kt.Ink, true), para(n.Body, 0))
	home := k.primary("回到首页", func() { k.flow.Home(); k.render() })
	return k.page("", "", container.NewCenter(withMin(b*38, 1, card(vbox(container.NewBorder(nil, nil, icon, nil, container.NewPadded(msg)), gap(1, b), home), b*1.2, b*0.5))))
}

func (k *Kiosk) pinScreen() fyne.CanvasObject {
	keys := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", "删除"}
	ok := k.primary("确定", func() {
		if k.flow.SubmitPIN(k.checkPIN) {
			k.log.Info("kiosk: staff signed in")
		}
		k.render()
	})
	pad := keypadWithOK(k.keypad(keys, 3, k.btnH()), ok)
	disp := k.entryView(strings.Repeat("●", len(k.flow.S.PIN)), nil, "工作人员密码")
	var extra []fyne.CanvasObject
	if k.flow.S.PINWrong {
		extra = append(extra, text("密码不对，请重新输入", k.body()*1.1, kt.Alert, true))
	}
	return k.keypadPage("工作人员", "请输入工作人员密码。", disp, pad, extra...)
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
			state += "    扫描器：就绪"
		} else {
			state += "    扫描器：未连接"
		}
	}
	return k.page("工作人员", state, container.NewCenter(withMin(b*20, 1, vbox(back, gap(1, b), quit))))
}
