package main

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"fengqiao/app"
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

	clientWindow{id: "cn.fengqiao.hall.display", title: "枫桥 · 叫号显示屏", theme: theme.Kiosk(),
		size: fyne.NewSize(1920, 1080), fullScreen: !*windowed, role: "display"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			board := display.New(info, display.Options{History: cfg.Display.History, Voice: q,
				Highlight: time.Duration(cfg.Display.Highlight) * time.Second})
			w.SetContent(board.Content())
			go board.Run(ctx, client)
		})
	return nil
}
