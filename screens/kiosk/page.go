package kiosk

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"

	kt "fengqiao/screens/theme"
)

// The chrome every screen shares (the band, the heading, a banner and the footer) and the sizes
// it is measured in.

// body is the body text size of the theme; the rest of the layout scales with it.
func (k *Kiosk) body() float32 { return k.th.Size(fynetheme.SizeNameText) }
func (k *Kiosk) pad() float32  { return k.body() * 0.5 }

// btnH is the height of a button: 2.4 lines of body text, at least 64 units (a fingertip).
func (k *Kiosk) btnH() float32 { return max(64, k.body()*2.4) }

// column is the width a paragraph of one of two columns gets (one column in portrait); wrapping
// texts assume it until they are laid out.
func (k *Kiosk) column() float32 {
	if k.portrait() {
		return k.size.Width - 4*k.body()
	}
	return k.size.Width/2 - 4*k.body()
}

// light is the secondary text on the navy band.
var light = color.NRGBA{R: 0xdd, G: 0xe6, B: 0xf5, A: 0xff}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func (k *Kiosk) clockText() string {
	t := k.opts.Now().In(k.opts.Location)
	return fmt.Sprintf("%d年%d月%d日 %s %02d:%02d", t.Year(), t.Month(), t.Day(), weekdays[t.Weekday()], t.Hour(), t.Minute())
}

func (k *Kiosk) countdownText() string {
	if k.banner.Title != "" {
		return "工作人员来之前，这一页会一直留着"
	}
	left := k.flow.ResultAfter - k.opts.Now().Sub(k.flow.stepAt)
	return fmt.Sprintf("%d 秒后自动回到首页", max(0, int(left.Round(time.Second)/time.Second)))
}

// button returns a tile with a centred label.
func (k *Kiosk) button(label string, fill, ink color.Color, stroke color.Color, tap func()) *tile {
	t := text(label, k.body()*1.1, ink)
	t.Alignment = fyne.TextAlignCenter
	return newTile(label, fill, stroke, k.body()*0.35, k.btnH(), k.pad()*0.6, container.NewCenter(t), k.tapped(tap))
}

func (k *Kiosk) primary(label string, tap func()) *tile {
	return k.button(label, kt.Navy, kt.OnPrimary, nil, tap)
}

func (k *Kiosk) secondary(label string, tap func()) *tile {
	return k.button(label, kt.Card, kt.Navy, kt.Navy, tap)
}

// tapped wraps an action: every tap keeps the session alive and redraws.
func (k *Kiosk) tapped(f func()) func() {
	return func() {
		k.flow.Touch()
		if f != nil {
			f()
		}
	}
}

// para is a paragraph of body text, broken into lines by the rules of Chinese typesetting.
func (k *Kiosk) para(s string) *wrapText {
	return newWrapText(s, k.body(), kt.Ink, k.column())
}

// band is the deep blue title band with the emblem (the staff corner), the hall's name and the clock.
func (k *Kiosk) band() fyne.CanvasObject {
	b := k.body()
	bg := canvas.NewRectangle(kt.Navy)
	emblem := inkBadge("枫", kt.OnPrimary, kt.Navy, b*2, b)
	corner := newCornerPress(emblem, k.opts.LongPress, k.opts.Post, func() {
		k.flow.StaffPIN()
		k.render()
	})
	name := text(k.opts.Info.Name, b*1.3, kt.OnPrimary)
	k.clock = text(k.clockText(), b, light)
	row := hbox(corner, container.NewCenter(name), spacer())
	if !k.portrait() {
		row.Add(container.NewCenter(k.clock))
	}
	var bandObj fyne.CanvasObject = container.NewStack(bg, container.New(&padLayout{pad: b * 0.3}, row))
	if k.portrait() {
		sub := container.NewStack(canvas.NewRectangle(kt.NavyDark), container.New(&padLayout{pad: b * 0.2}, container.NewCenter(k.clock)))
		bandObj = container.New(stackVLayout{}, bandObj, sub)
	}
	return bandObj
}

// footer holds 返回, 首页, 长者模式 and 呼叫工作人员. It is never inside a scroll.
func (k *Kiosk) footer() fyne.CanvasObject {
	row := hbox()
	if k.flow.Step != StepHome {
		row.Add(k.secondary("返回", func() { k.flow.Back(); k.render() }))
		row.Add(k.secondary("首页", func() { k.flow.Home(); k.render() }))
	}
	row.Add(spacer())
	elderLabel := "长者模式"
	fill, ink := color.Color(kt.Card), color.Color(kt.Navy)
	if k.flow.Elderly {
		elderLabel = "长者模式 已开"
		fill, ink = kt.Navy, kt.OnPrimary
	}
	elder := k.button(elderLabel, fill, ink, kt.Navy, func() {
		k.flow.Elderly = !k.flow.Elderly
		k.render()
	})
	elder.Label = "长者模式"
	row.Add(elder)
	row.Add(k.button("呼叫工作人员", kt.Warning, kt.OnPrimary, nil, func() { k.help("") }))
	bg := canvas.NewRectangle(kt.Card)
	line := rect(kt.Separator, 1, 2)
	return container.NewBorder(line, nil, nil, nil, container.NewStack(bg, container.New(&padLayout{pad: k.pad() * 0.6}, row)))
}

// page is one screen: band, heading, body and footer.
func (k *Kiosk) page(title, hint string, body fyne.CanvasObject) fyne.CanvasObject {
	b := k.body()
	head := vbox()
	if title != "" {
		head.Add(text(title, b*1.45, kt.Ink))
	}
	if hint != "" {
		head.Add(k.para(hint))
	}
	if k.banner.Title != "" {
		head.Add(k.bannerView())
	}
	content := container.NewBorder(head, nil, nil, nil, body)
	padded := container.New(&padLayout{pad: k.pad()}, content)
	return container.NewBorder(k.band(), k.footer(), nil, nil, padded)
}

// bannerGreen and bannerRed are the fills of a notice: good news, and a fault.
var (
	bannerGreen = color.NRGBA{R: 0xe6, G: 0xf4, B: 0xea, A: 0xff}
	bannerRed   = color.NRGBA{R: 0xfd, G: 0xec, B: 0xea, A: 0xff}
)

func (k *Kiosk) bannerView() fyne.CanvasObject {
	n := k.banner
	fill, ink := bannerGreen, color.Color(kt.Success)
	if n.Fault {
		fill, ink = bannerRed, kt.Alert
	}
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = k.body() * 0.3
	bg.StrokeColor, bg.StrokeWidth = ink, 2
	t := text(n.Title, k.body()*1.1, ink)
	return container.NewStack(bg, container.New(&padLayout{pad: k.pad() * 0.6}, container.New(stackVLayout{}, t, k.para(n.Body))))
}
