package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"

	"fengqiao/config"
	"fengqiao/screens/display"
	"fengqiao/screens/theme"
	"fengqiao/voice"
)

func init() {
	register("display", "the hall display board with voice calling (needs a hub)", runDisplay)
	registerScreenshots("display", func(dir string) error { return display.Screenshots(dir, config.Default().Info()) })
}

func runDisplay(ctx context.Context, args []string) error {
	fs := newFlags("display")
	cf := addClientFlags(fs)
	windowed := fs.Bool("windowed", false, "a normal window instead of full screen")
	mute := fs.Bool("mute", false, "no voice")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, client, err := cf.connect(config.RoleDisplay)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var q *voice.Queue
	if !*mute {
		q = voice.NewQueue(voice.New(cfg.Display.SpeechCommand), max(cfg.Display.Repeat, 1))
		go q.Run(ctx)
	}

	a := fyneapp.NewWithID("cn.fengqiao.hall.display")
	a.Settings().SetTheme(theme.Kiosk())
	w := a.NewWindow("枫桥 · 叫号显示屏")
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1920, 1080))
	if !*windowed {
		w.SetFullScreen(true)
	}
	msg := canvas.NewText("正在连接叫号服务器…", theme.Navy)
	w.SetContent(connecting(msg))
	go func() {
		info, err := waitInfo(ctx, client, func(error) {
			fyne.Do(func() {
				msg.Text = "无法连接叫号服务器，正在重试…"
				msg.Refresh()
			})
		})
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("display: hub refused", "err", err)
				fyne.Do(func() {
					msg.Text = fmt.Sprintf("叫号服务器拒绝连接：请检查令牌（%s）", "--token")
					msg.Refresh()
				})
			}
			return
		}
		board := display.New(info, display.Options{History: cfg.Display.History, Voice: q,
			Highlight: time.Duration(cfg.Display.Highlight) * time.Second})
		fyne.Do(func() { w.SetContent(board.Content()) })
		board.Run(ctx, client)
	}()
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}
