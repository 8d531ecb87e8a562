package main

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"

	"fengqiao/app"
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
	clientWindow{id: "cn.fengqiao.hall.rating", title: fmt.Sprintf("枫桥 · %d号窗口评价", *window),
		theme: theme.Kiosk(), size: fyne.NewSize(1280, 800), fullScreen: !*windowed, role: "rating pad"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			name := fmt.Sprintf("%d号窗口", *window)
			for _, win := range info.Windows {
				if win.ID == *window {
					name = win.Name
				}
			}
			pad := rating.New(*window, name, client, rating.Options{})
			w.SetContent(pad.Content())
			go pad.Run(ctx, client)
		})
	return nil
}
