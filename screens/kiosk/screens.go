package kiosk

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

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
	if k.portrait() {
		return max(1, landscape/2)
	}
	return landscape
}

// serviceTile is a large service button: colour stripe, icon, name and how many wait.
func (k *Kiosk) serviceTile(i int, s app.Service, tap func()) *tile {
	b := k.body()
	c := kt.ServiceColour(i)
	stripe := rect(c, b*0.35, 1)
	info := lines(text(s.Name, b*1.35, kt.Ink))
	if k.queueOK {
		info.Add(text(fmt.Sprintf("现在有 %d 人在等", k.waiting[s.Code]), b, kt.Muted))
	}
	row := hbox(badge(glyph(s), c, b*2.4, b*1.2), container.NewCenter(info), spacer(), container.NewCenter(text("›", b*1.8, c)))
	content := container.NewBorder(nil, nil, stripe, nil, container.New(&padLayout{pad: b * 0.4}, row))
	return newTile(s.Name, kt.Card, kt.Separator, b*0.4, k.btnH(), 0, content, k.tapped(tap))
}

// serviceGrid is the services as tiles; it scrolls when they do not fit.
func (k *Kiosk) serviceGrid() fyne.CanvasObject {
	grid := container.NewGridWithColumns(k.cols(2))
	for i, s := range k.opts.Info.Services {
		code := s.Code
		grid.Add(k.serviceTile(i, s, func() { k.flow.StartCheckIn(code); k.render() }))
	}
	return container.NewVScroll(grid)
}

func (k *Kiosk) homeScreen() fyne.CanvasObject {
	b := k.body()
	lookupRow := hbox(badge("查", kt.NavyDark, b*2.4, b*1.2),
		container.NewCenter(lines(text("查询办理进度", b*1.35, kt.OnPrimary), text("扫回执二维码，或放身份证", b, light))), spacer(),
		container.NewCenter(text("›", b*1.8, kt.OnPrimary)))
	lookup := newTile("查询办理进度", kt.Navy, nil, b*0.4, k.btnH(), b*0.4, lookupRow,
		k.tapped(func() { k.flow.StartLookup(); k.render() }))
	bottom := container.NewGridWithColumns(k.cols(2), lookup, k.cardHint())
	return k.page("您好！请选择要办理的事项", "", container.NewBorder(nil, bottom, nil, nil, k.serviceGrid()))
}

// cardHint tells that a card placed now starts check-in, and the reader's state.
func (k *Kiosk) cardHint() fyne.CanvasObject {
	b := k.body()
	var title *canvas.Text
	var body string
	if k.readerDown() {
		title, body = text("身份证读卡器暂时不能用", b, kt.Alert), "请点要办的事项，再输入身份证号码。"
	} else {
		title, body = text("带了身份证？", b*1.1, kt.Ink), "直接放在"+k.opts.ReaderPlace+"的感应区，也能开始取号。"
	}
	return card(container.NewBorder(nil, nil, k.readerPicture(b*2.4), nil, container.New(stackVLayout{}, title, k.para(body))), b*0.4, b*0.4)
}

func (k *Kiosk) readerDown() bool {
	return k.readerKnown && (k.reader == idcard.StateDisconnected || k.reader == idcard.StateFault)
}

// readerPicture is a simple drawing of a card lying on the reader's sensing area, at least w
// wide; it grows with the room it is given.
func (k *Kiosk) readerPicture(w float32) fyne.CanvasObject {
	part := func(c color.Color, radius float32) *canvas.Rectangle {
		r := canvas.NewRectangle(c)
		r.CornerRadius = radius
		return r
	}
	cardBg := part(color.NRGBA{R: 0xe3, G: 0xf0, B: 0xff, A: 0xff}, w*0.05)
	cardBg.StrokeColor, cardBg.StrokeWidth = kt.Navy, 2
	parts := []fyne.CanvasObject{
		part(color.NRGBA{R: 0x37, G: 0x41, B: 0x51, A: 0xff}, w*0.08),
		part(color.NRGBA{R: 0x4f, G: 0xc3, B: 0xf7, A: 0xff}, w*0.04),
		cardBg,
		part(color.NRGBA{R: 0x9e, G: 0xb8, B: 0xd9, A: 0xff}, 0),
		part(kt.Navy, 0), part(kt.Navy, 0), part(kt.Navy, 0),
	}
	return container.New(&pictureLayout{min: fyne.NewSize(w, w*0.8), boxes: [][4]float32{
		{0, 0.55, 1, 0.45}, {0.15, 0.6, 0.7, 0.12}, {0.13, 0.05, 0.74, 0.46}, {0.62, 0.13, 0.18, 0.28},
		{0.2, 0.15, 0.38, 0.035}, {0.2, 0.23, 0.38, 0.035}, {0.2, 0.31, 0.38, 0.035},
	}}, parts...)
}

func (k *Kiosk) serviceScreen() fyne.CanvasObject {
	who := "已读取身份证：" + app.MaskName(k.flow.S.Name) + "。点一项就能取号。"
	if offer := k.bookingOffer(); offer != nil {
		return k.page("请选择要办理的事项", who, container.NewBorder(offer, nil, nil, nil, k.serviceGrid()))
	}
	return k.page("请选择要办理的事项", who, k.serviceGrid())
}

// noCardLabel is the button that leads to typing the ID number.
const noCardLabel = "没带身份证，输入号码"

func (k *Kiosk) identifyScreen() fyne.CanvasObject {
	b := k.body()
	svc, _ := k.flow.Service()
	var status fyne.CanvasObject
	if k.readerDown() {
		status = k.noticeBox(Notice{Title: "读卡器暂时不能用", Body: "请点「" + noCardLabel + "」，或按「呼叫工作人员」。", Fault: true})
	} else {
		status = container.New(stackVLayout{}, text("请把身份证平放在"+k.opts.ReaderPlace+"的感应区", b*1.1, kt.Ink),
			k.para("放好后不要移动，稍等两秒，读好后会自动进入下一步。"))
	}
	noCard := k.secondary(noCardLabel, func() { k.flow.NoCard(); k.render() })
	pic := card(k.readerPicture(b*4), b*0.5, b*0.4)
	right := container.NewBorder(status, noCard, nil, nil)
	if k.portrait() {
		return k.page("请将身份证放在感应区", "办理："+svc.Name, container.NewBorder(nil, right, nil, nil, pic))
	}
	return k.page("请将身份证放在感应区", "办理："+svc.Name, container.NewGridWithColumns(2, pic, right))
}

func (k *Kiosk) noticeBox(n Notice) fyne.CanvasObject {
	saved, savedUntil := k.banner, k.bannerUntil
	k.banner = n
	v := k.bannerView()
	k.banner, k.bannerUntil = saved, savedUntil
	return v
}

// keypad returns a grid of keys; each key types its label's byte, special labels act.
func (k *Kiosk) keypad(keys []string, cols int) fyne.CanvasObject {
	b := k.body()
	grid := container.NewGridWithColumns(cols)
	for _, key := range keys {
		key := key
		size, tap := b*1.8, func() { k.flow.Key(key[0]); k.render() }
		switch key {
		case "删除":
			size, tap = b*1.1, func() { k.flow.Delete(); k.render() }
		case "清空":
			size, tap = b*1.1, func() { k.flow.ClearEntry(); k.render() }
		case "":
			grid.Add(gap(1, 1))
			continue
		}
		t := text(key, size, kt.Ink)
		t.Alignment = fyne.TextAlignCenter
		grid.Add(newTile(key, kt.Card, kt.Separator, b*0.3, b*1.5, b*0.1, container.NewCenter(t), k.tapped(tap)))
	}
	return grid
}

// entryView shows what was typed, grouped, in large type.
func (k *Kiosk) entryView(typed string, groups []int, placeholder string) fyne.CanvasObject {
	b := k.body()
	shown, ink, size := group(typed, groups), color.Color(kt.Ink), b*1.5
	if typed == "" {
		shown, ink, size = placeholder, kt.Muted, b*1.1
	}
	t := text(shown, size, ink)
	t.TextStyle.Monospace = typed != ""
	bg := canvas.NewRectangle(kt.Card)
	bg.CornerRadius = b * 0.3
	bg.StrokeColor, bg.StrokeWidth = kt.Navy, 3
	return container.NewStack(bg, container.New(&padLayout{pad: b * 0.3}, container.NewCenter(t)))
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

// errorLine is why the entry was refused, or the status line when it was not.
func (k *Kiosk) errorLine(status string) fyne.CanvasObject {
	if k.flow.S.InputErr == "" {
		return text(status, k.body(), kt.Ink)
	}
	return text(k.flow.S.InputErr, k.body(), kt.Alert)
}

// keypadPage puts the entry, its status and actions beside (landscape) or above (portrait) the keys.
func (k *Kiosk) keypadPage(title, hint string, entry fyne.CanvasObject, status string, keys fyne.CanvasObject, actions ...fyne.CanvasObject) fyne.CanvasObject {
	top := container.New(stackVLayout{}, entry, k.errorLine(status))
	row := container.NewGridWithColumns(len(actions), actions...)
	if k.portrait() {
		return k.page(title, hint, container.NewBorder(top, row, nil, nil, keys))
	}
	return k.page(title, hint, container.NewGridWithColumns(2, container.NewBorder(top, row, nil, nil), keys))
}

func (k *Kiosk) idKeypadScreen() fyne.CanvasObject {
	keys := k.keypad([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "删除"}, 3)
	entry := k.entryView(k.flow.Typed(), []int{6, 8, 4}, "请输入18位号码")
	clr := k.secondary("清空", func() { k.flow.ClearEntry(); k.render() })
	ok := k.primary("确定", func() { k.flow.SubmitID(); k.render() })
	return k.keypadPage("请输入身份证号码", "最后一位是X的请按X键。", entry, fmt.Sprintf("已输入 %d 位，共18位", len(k.flow.S.IDNumber)), keys, clr, ok)
}

// skipPhone is the button that leaves no phone number.
func (k *Kiosk) skipPhoneLabel() string {
	if k.flow.S.FromCard {
		return "不留电话，直接取号"
	}
	return "没有手机，不留电话"
}

func (k *Kiosk) phoneScreen() fyne.CanvasObject {
	keys := k.keypad([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", "删除"}, 3)
	entry := k.entryView(k.flow.Typed(), []int{3, 4, 4}, "请输入手机号码")
	skip := k.secondary(k.skipPhoneLabel(), func() { k.act(k.flow.SkipPhone()); k.render() })
	ok := k.primary("确定", func() { k.act(k.flow.SubmitPhone()); k.render() })
	return k.keypadPage("留个电话吗？", "可以不留。留了电话，工作人员能告诉您办理结果。", entry, "", keys, skip, ok)
}
