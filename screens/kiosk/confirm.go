package kiosk

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"fengqiao/app"
	kt "fengqiao/screens/theme"
)

// infoRow is one line of the confirmation card: a label and a value.
func (k *Kiosk) infoRow(label, value string) fyne.CanvasObject {
	b := k.body()
	return container.NewBorder(nil, nil, withMin(b*3.6, 1, text(label, b, kt.Muted)), nil, text(value, b*1.1, kt.Ink))
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
		mark = container.NewCenter(text("✓", b, kt.OnPrimary))
	}
	row := hbox(container.NewCenter(withMin(b*1.1, b*1.1, box, mark)), container.NewCenter(text(label, b, ink)))
	return newTile(label, fill, kt.Navy, b*0.35, k.btnH(), k.pad()*0.6, row, k.tapped(func() { tap(); k.render() }))
}

const privacyNotice = "点「同意并取号」，表示您同意：我们记下您的姓名、身份证号码和电话，只用来这次排队叫号、办理和回访您反映的事，不做别的用途，也不告诉无关的人。身份证号码是敏感个人信息，受《个人信息保护法》保护。"

// agreeLabel is the one button that gives consent and takes the ticket.
const agreeLabel = "同意并取号"

// categoryLabel is the confirmation screen's button to the optional category choice.
func (k *Kiosk) categoryLabel() string {
	c := k.flow.S.Category
	if c == "" {
		c = unknownCategory
	}
	return "事情类别：" + c + "（可不选）"
}

func (k *Kiosk) confirmScreen() fyne.CanvasObject {
	b := k.body()
	s := &k.flow.S
	svc, _ := k.flow.Service()
	info := lines(k.infoRow("办理", svc.Name))
	if s.Name != "" {
		info.Add(k.infoRow("姓名", app.MaskName(s.Name)))
	}
	info.Add(k.infoRow("身份证", app.MaskIDNumber(string(s.IDNumber))))
	if !s.FromCard {
		info.Add(k.infoRow("", "手动输入，工作人员会核对"))
	}
	if len(s.Phone) > 0 {
		info.Add(k.infoRow("电话", app.MaskPhone(string(s.Phone))))
	}
	left := vbox(card(info, b*0.5, b*0.4))

	// Priority: from age, or declared.
	if auto := k.flow.AutoPriority(); auto != app.PriorityNone {
		left.Add(k.noticeBox(Notice{Title: auto.Label(), Body: "您年满" + fmt.Sprint(k.flow.ElderlyAge) + "岁，会优先叫号。"}))
	} else {
		left.Add(text("需要优先办理吗？（没有就不用点）", b, kt.Muted))
		opts := []fyne.CanvasObject{k.toggle("我是残疾人", s.Declared == app.PriorityDisabled, func() { k.flow.Declare(app.PriorityDisabled) })}
		if k.flow.Female() {
			opts = append(opts, k.toggle("我是孕妇", s.Declared == app.PriorityPregnant, func() { k.flow.Declare(app.PriorityPregnant) }))
		}
		left.Add(container.NewGridWithColumns(len(opts), opts...))
	}

	// Open cases of the card holder.
	if s.FromCard && len(s.OpenCases) > 0 {
		left.Add(text(fmt.Sprintf("您有%d件正在办理的事项", len(s.OpenCases)), b*1.1, kt.Navy))
		for _, c := range s.OpenCases {
			code := c.Code
			label := fmt.Sprintf("继续办：%s %s（%s）", k.serviceName(c.Service), c.Category, c.Status.Label())
			left.Add(k.toggle(label, s.LinkCase == code, func() { k.flow.SetLink(code) }))
		}
		left.Add(k.toggle("这是一件新事项", s.LinkCase == "", func() { k.flow.SetLink("") }))
	}
	if s.LinkCase == "" && len(svc.Categories) > 0 {
		left.Add(k.secondary(k.categoryLabel(), func() { k.flow.ChooseCategoryStep(); k.render() }))
	}

	notice := card(k.para(privacyNotice), b*0.5, b*0.4)
	agree := k.primary(agreeLabel, func() { k.act(k.flow.Confirm()); k.render() })
	right := container.NewBorder(nil, agree, nil, nil, container.NewVScroll(notice))
	if k.portrait() {
		return k.page("请核对您的信息", "", container.NewBorder(nil, container.New(stackVLayout{}, notice, gap(1, b*0.3), agree), nil, nil, container.NewVScroll(left)))
	}
	return k.page("请核对您的信息", "", container.NewGridWithColumns(2, container.NewVScroll(left), right))
}

func (k *Kiosk) serviceName(code string) string {
	if s, ok := k.opts.Info.Service(code); ok {
		return s.Name
	}
	return code
}

// unknownCategory is the category chosen by default: staff set it before closing the case.
const unknownCategory = "不清楚"

func (k *Kiosk) categoryScreen() fyne.CanvasObject {
	svc, _ := k.flow.Service()
	grid := container.NewGridWithColumns(k.cols(3))
	for _, c := range append([]string{unknownCategory}, svc.Categories...) {
		c := c
		chosen := c
		if c == unknownCategory {
			chosen = ""
		}
		on := k.flow.S.Category == chosen
		grid.Add(k.toggle(c, on, func() { k.flow.ChooseCategory(chosen) }))
	}
	return k.page("您要说的是哪方面的事？", "可以不选，工作人员会帮您选。选好后回到上一页。", container.NewVScroll(grid))
}

func (k *Kiosk) busyScreen() fyne.CanvasObject {
	t := text("正在办理，请稍候……", k.body()*1.45, kt.Navy)
	return k.page("", "", container.NewCenter(vbox(t, widget.NewProgressBarInfinite())))
}

// qrImage draws a QR code of s as a crisp image, at least side wide; it grows with its room.
func qrImage(s string, side float32) fyne.CanvasObject {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return gap(side, side)
	}
	img := canvas.NewImageFromImage(q.Image(256))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(side, side))
	return img
}

// takeCard is the reminder while the visitor's card is still on the reader.
const takeCard = "请取回您的身份证"

func (k *Kiosk) resultScreen() fyne.CanvasObject {
	b := k.body()
	t := k.flow.S.Ticket
	ahead := fmt.Sprintf("前面还有 %d 人在等", t.Ahead)
	if t.Ahead == 0 {
		ahead = "前面没有人在等，请留意叫号"
	}
	left := vbox(lines(text("取号成功："+k.serviceName(t.Service), b*1.1, kt.Success), text(t.Label, b*3.6, kt.Navy), text(ahead, b*1.1, kt.Ink)))
	if p := t.Priority; p != app.PriorityNone {
		left.Add(text(p.Label(), b, kt.Success))
	}
	if booked := k.bookedLines(t); booked != nil {
		left.Add(booked)
	}
	if k.cardOnReader() {
		left.Add(k.noticeBox(Notice{Title: takeCard, Body: "身份证还在感应区上，别忘了带走。", Fault: true}))
	}
	left.Add(k.para(k.opts.Info.WaitArea))
	switch err := k.flow.S.PrintErr; {
	case err == nil:
		left.Add(text("请取走出纸口的凭条", b, kt.Navy))
	case err == ErrPaperOut:
		left.Add(k.noticeBox(Notice{Title: "凭条打印纸用完了", Body: "请记住您的号码 " + t.Label + "，或用手机拍下二维码。已通知工作人员加纸。", Fault: true}))
	default:
		left.Add(k.noticeBox(Notice{Title: "凭条没有打印出来", Body: "请记住您的号码 " + t.Label + "，或用手机拍下二维码。", Fault: true}))
	}
	qr := qrImage(k.opts.Info.TrackingURL(t.CaseCode), b*4)
	right := container.NewBorder(nil, lines(text("手机扫码查看办理进度", b, kt.Ink), text("查询码 "+t.CaseCode, b, kt.Muted)), nil, nil, qr)
	k.countdown = text(k.countdownText(), b, kt.Muted)
	done := k.primary("完成", func() { k.flow.Home(); k.render() })
	bottom := container.NewBorder(nil, nil, nil, done, container.NewCenter(k.countdown))
	if k.portrait() {
		return k.page("", "", container.NewBorder(card(left, b*0.5, b*0.4), bottom, nil, nil, card(right, b*0.5, b*0.4)))
	}
	return k.page("", "", container.NewBorder(nil, bottom, nil, nil,
		container.NewGridWithColumns(2, container.NewVScroll(card(left, b*0.5, b*0.4)), card(right, b*0.5, b*0.4))))
}
