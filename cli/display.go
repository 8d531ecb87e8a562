package cli

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/screens/display"
	"fengqiao/screens/theme"
	"fengqiao/voice"
)

type displayOptions struct {
	client   clientFlags
	windowed bool
	mute     bool
}

func newDisplayCmd(e *env) *cobra.Command {
	var o displayOptions
	cmd := &cobra.Command{
		Use:   "display",
		Short: "the hall display board with voice calling (needs a hub)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runDisplay(ctx, o) })
		},
	}
	addClientFlags(cmd.Flags(), &o.client)
	addWindowedFlag(cmd.Flags(), &o.windowed)
	cmd.Flags().BoolVar(&o.mute, "mute", false, "no voice")
	return cmd
}

func runDisplay(ctx context.Context, o displayOptions) error {
	cfg, client, err := o.client.connectOrShow(ctx, app.RoleDisplay, "cn.fengqiao.hall.display", !o.windowed)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var q *voice.Queue
	if !o.mute {
		q = voice.NewQueue(voice.New(cfg.Display.SpeechCommand), max(cfg.Display.Repeat, 1))
		go q.Run(ctx)
	}

	clientWindow{id: "cn.fengqiao.hall.display", title: "枫桥 · 叫号显示屏", theme: theme.Kiosk(),
		size: fyne.NewSize(1920, 1080), fullScreen: !o.windowed, role: "display"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			board := display.New(info, display.Options{History: cfg.Display.History, Voice: q,
				Highlight: time.Duration(cfg.Display.Highlight) * time.Second})
			w.SetContent(board.Content())
			go board.Run(ctx, client)
		})
	return nil
}
