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
func (k *Kiosk) pad() float32  { return k.body() * 0.75 }
func (k *Kiosk) btnH() float32 { return max(100, k.body()*3.5) }

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func (k *Kiosk) clockText() string {
	t := k.opts.Now().In(k.opts.Location)
	return fmt.Sprintf("%d年%d月%d日  %s  %02d:%02d", t.Year(), t.Month(), t.Day(), weekdays[t.Weekday()], t.Hour(), t.Minute())
}

func (k *Kiosk) countdownText() string {
	left := k.flow.ResultAfter - k.opts.Now().Sub(k.flow.stepAt)
	return fmt.Sprintf("%d 秒后自动回到首页", max(0, int(left.Round(time.Second)/time.Second)))
}

// button returns a tile with a centred label.
func (k *Kiosk) button(label string, fill, ink color.Color, stroke color.Color, tap func()) *tile {
	t := text(label, k.body()*1.1, ink, true)
	t.Alignment = fyne.TextAlignCenter
	return newTile(label, fill, stroke, k.body()*0.4, k.btnH(), k.pad(), container.NewCenter(t), k.tapped(tap))
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

// band is the deep blue title band with the emblem (the staff corner), the hall's name and the clock.
func (k *Kiosk) band() fyne.CanvasObject {
	b := k.body()
	bg := canvas.NewRectangle(kt.Navy)
	emblem := inkBadge("枫", kt.OnPrimary, kt.Navy, b*2.6, b*1.3)
	corner := newCornerPress(emblem, k.opts.LongPress, k.opts.Post, func() {
		k.flow.StaffPIN()
		k.render()
	})
	name := text(k.opts.Info.Name, b*1.45, kt.OnPrimary, true)
	k.clock = text(k.clockText(), b, color.NRGBA{R: 0xdd, G: 0xe6, B: 0xf5, A: 0xff}, false)
	row := hbox(gap(k.pad(), 1), corner, gap(k.pad()*0.6, 1), container.NewCenter(name), spacer())
	if !k.opts.Portrait {
		row.Add(container.NewCenter(k.clock))
	}
	row.Add(gap(k.pad(), 1))
	inner := container.New(&padLayout{pad: b * 0.55}, row)
	var bandObj fyne.CanvasObject = container.NewStack(bg, inner)
	if k.opts.Portrait {
		sub := container.NewStack(canvas.NewRectangle(kt.NavyDark), container.New(&padLayout{pad: b * 0.35}, container.NewCenter(k.clock)))
		bandObj = vbox(bandObj, sub)
		bandObj.(*fyne.Container).Layout = &stackVLayout{}
	}
	return bandObj
}

// footer holds 返回, 首页, 长者模式 and 呼叫工作人员.
func (k *Kiosk) footer() fyne.CanvasObject {
	b := k.body()
	row := hbox()
	if k.flow.Step != StepHome {
		back := k.secondary("返回", func() { k.flow.Back(); k.render() })
		home := k.secondary("首页", func() { k.flow.Home(); k.render() })
		row.Add(withMin(b*5.5, 0, back))
		row.Add(withMin(b*5.5, 0, home))
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
		k.applyTheme()
		k.render()
	})
	elder.Label = "长者模式"
	row.Add(withMin(b*7, 0, elder))
	helpBtn := k.button("呼叫工作人员", kt.Warning, kt.OnPrimary, nil, func() { k.help("") })
	row.Add(withMin(b*8.5, 0, helpBtn))
	bg := canvas.NewRectangle(kt.Card)
	line := rect(kt.Separator, 1, 2)
	return container.NewBorder(line, nil, nil, nil, container.NewStack(bg, container.New(&padLayout{pad: k.pad() * 0.8}, row)))
}

// page is one screen: band, heading, body and footer.
func (k *Kiosk) page(title, hint string, body fyne.CanvasObject) fyne.CanvasObject {
	b := k.body()
	head := vbox()
	if title != "" {
		head.Add(text(title, b*1.6, kt.Ink, true))
	}
	if hint != "" {
		h := para(hint, 0)
		head.Add(h)
	}
	if k.banner.Title != "" {
		head.Add(k.bannerView())
	}
	content := container.NewBorder(head, nil, nil, nil, body)
	padded := container.New(&padLayout{pad: k.pad() * 1.3}, content)
	return container.NewBorder(k.band(), k.footer(), nil, nil, padded)
}

func (k *Kiosk) bannerView() fyne.CanvasObject {
	n := k.banner
	fill := color.NRGBA{R: 0xe6, G: 0xf4, B: 0xea, A: 0xff}
	ink := color.Color(kt.Success)
	if n.Fault {
		fill, ink = color.NRGBA{R: 0xfd, G: 0xec, B: 0xea, A: 0xff}, kt.Alert
	}
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = k.body() * 0.3
	bg.StrokeColor, bg.StrokeWidth = ink, 2
	t := text(n.Title, k.body()*1.15, ink, true)
	return container.NewStack(bg, container.New(&padLayout{pad: k.pad() * 0.7}, vbox(t, para(n.Body, 0))))
}
