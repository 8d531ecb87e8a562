package kiosk

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner/scannersim"
	kt "fengqiao/screens/theme"
)

// SimDevices are the demo's simulated devices.
type SimDevices struct {
	Reader  *idcardsim.Simulator
	Scanner *scannersim.Simulator
	Printer *PDFFolder
	Hall    Hall // to learn the last issued case code (for 扫描最近的回执)
}

// DemoCards are the made-up residents of the demo: a working-age man, an elderly woman, a young
// woman (who may declare pregnancy).
func DemoCards() []idcard.Identity {
	a := idcardsim.TestIdentity()
	b := a
	b.Name, b.Gender, b.Birth = "张阿凤", idcard.GenderFemale, b.Birth.AddDate(-42, 2, 5)
	b.Number = withCheck("33068119480512122")
	c := a
	c.Name, c.Gender, c.Birth = "李春燕", idcard.GenderFemale, b.Birth.AddDate(49, 0, 0)
	c.Number = withCheck("33068119970512124")
	return []idcard.Identity{a, b, c}
}

func withCheck(first17 string) string { return first17 + string(app.IDCheckChar(first17)) }

// SimPanel is the demo's 模拟设备 panel: place or lift a card, unplug the reader, scan a code,
// run the printer out of paper. It appears only in demo mode.
func SimPanel(ctx context.Context, d SimDevices) fyne.CanvasObject {
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	say := func(s string, err error) {
		if err != nil {
			s += "：" + err.Error()
		}
		status.SetText(s)
	}
	var lastCase string
	if d.Hall != nil {
		if ch, err := d.Hall.Subscribe(ctx, 0); err == nil {
			go func() {
				for ev := range ch {
					if ev.Kind == app.EventIssued && ev.Ticket != nil {
						code := ev.Ticket.CaseCode
						fyne.Do(func() { lastCase = code })
					}
				}
			}()
		}
	}
	box := container.NewVBox(widget.NewLabelWithStyle("身份证读卡器", fyne.TextAlignLeading, fyne.TextStyle{}))
	for _, c := range DemoCards() {
		c := c
		box.Add(widget.NewButton("放上 "+c.Name+" 的身份证", func() { say("已放上 "+app.MaskName(c.Name)+" 的身份证", d.Reader.Place(c)) }))
	}
	box.Add(widget.NewButton("拿走身份证", func() { d.Reader.Lift(); say("已拿走身份证", nil) }))
	plugged := true
	var plug *widget.Button
	plug = widget.NewButton("拔出读卡器", func() {
		if plugged {
			say("读卡器已拔出", d.Reader.Unplug())
			plug.SetText("插回读卡器")
		} else {
			say("读卡器已插回", d.Reader.Replug())
			plug.SetText("拔出读卡器")
		}
		plugged = !plugged
	})
	box.Add(plug)
	box.Add(widget.NewSeparator())
	box.Add(widget.NewLabelWithStyle("二维码扫描器", fyne.TextAlignLeading, fyne.TextStyle{}))
	box.Add(widget.NewButton("扫描最近一张回执", func() {
		if lastCase == "" {
			say("还没有取过号", nil)
			return
		}
		info, _ := d.Hall.Info(ctx)
		say("已扫描回执", d.Scanner.Scan(info.TrackingURL(lastCase)))
	}))
	box.Add(widget.NewButton("扫描一个无关的二维码", func() { say("已扫描无关二维码", d.Scanner.Scan("https://example.com/ad")) }))
	box.Add(widget.NewSeparator())
	box.Add(widget.NewLabelWithStyle("凭条打印机", fyne.TextAlignLeading, fyne.TextStyle{}))
	paper := widget.NewCheck("打印纸用完", func(on bool) { d.Printer.OutOfPaper.Store(on) })
	box.Add(paper)
	box.Add(widget.NewLabel("凭条（PDF）保存在：" + strings.TrimSpace(d.Printer.Dir)))
	box.Add(widget.NewSeparator())
	box.Add(status)
	// The panel keeps staff-sized type whatever the kiosk's theme is.
	return container.NewThemeOverride(container.NewPadded(box), kt.Staff())
}
