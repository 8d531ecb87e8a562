package main

import (
	"context"
	"fmt"
	"log/slog"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"

	"fengqiao/config"
	"fengqiao/screens/rating"
	"fengqiao/screens/theme"
)

func init() {
	register("rate", "the service rating pad at a window (needs a hub)", runRate)
	registerScreenshots("rating", rating.Screenshots)
}

func runRate(ctx context.Context, args []string) error {
	fs := newFlags("rate")
	cf := addClientFlags(fs)
	window := fs.Int("window", 0, "the window `N` this pad rates (required)")
	windowed := fs.Bool("windowed", false, "a normal window instead of full screen")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *window <= 0 {
		fmt.Fprintln(fs.Output(), "rate: --window N is required")
		return errUsage
	}
	_, client, err := cf.connect(config.RoleRating)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := fyneapp.NewWithID("cn.fengqiao.hall.rating")
	a.Settings().SetTheme(theme.Kiosk())
	w := a.NewWindow(fmt.Sprintf("枫桥 · %d号窗口评价", *window))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1280, 800))
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
				slog.Error("rating pad: hub refused", "err", err)
			}
			return
		}
		name := fmt.Sprintf("%d号窗口", *window)
		for _, win := range info.Windows {
			if win.ID == *window {
				name = win.Name
			}
		}
		pad := rating.New(*window, name, client, rating.Options{})
		fyne.Do(func() { w.SetContent(pad.Content()) })
		pad.Run(ctx, client)
	}()
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}
