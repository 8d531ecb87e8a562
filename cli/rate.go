package cli

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/screens/rating"
	"fengqiao/screens/theme"
)

type rateOptions struct {
	client   clientFlags
	window   windowFlags
	windowed bool
}

func newRateCmd(e *env) *cobra.Command {
	var o rateOptions
	cmd := &cobra.Command{
		Use:   "rate [--window N]",
		Short: "the service rating pad at a window (needs a hub)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.window.check(cmd.Flags()); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runRate(ctx, o) })
		},
	}
	addClientFlags(cmd.Flags(), &o.client)
	addWindowFlags(cmd.Flags(), &o.window)
	addWindowedFlag(cmd.Flags(), &o.windowed)
	return cmd
}

func runRate(ctx context.Context, o rateOptions) error {
	_, client, err := o.client.connectOrShow(ctx, app.RoleRating, "cn.fengqiao.hall.rating", !o.windowed)
	if err != nil {
		return err
	}
	clientWindow{id: "cn.fengqiao.hall.rating", title: "枫桥 · 服务评价",
		theme: theme.Kiosk(), size: fyne.NewSize(1280, 800), fullScreen: !o.windowed, role: "rating pad"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			withWindow(w, info, o.window.n, o.window.choose, func(n int) {
				w.SetTitle(fmt.Sprintf("枫桥 · %d号窗口评价", n))
				pad := rating.New(n, info, client, rating.Options{})
				w.SetContent(pad.Content())
				go pad.Run(ctx, client)
			})
		})
	return nil
}
