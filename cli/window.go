package cli

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/printing"
	"fengqiao/screens/console"
	"fengqiao/screens/theme"
)

type windowOptions struct {
	client  clientFlags
	window  windowFlags
	printer string
}

func newWindowCmd(e *env) *cobra.Command {
	var o windowOptions
	cmd := &cobra.Command{
		Use:   "window [--window N]",
		Short: "the window staff console: sign in, call, case form (needs a hub)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.window.check(cmd.Flags()); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runWindow(ctx, o) })
		},
	}
	addClientFlags(cmd.Flags(), &o.client)
	addWindowFlags(cmd.Flags(), &o.window)
	cmd.Flags().StringVar(&o.printer, "printer", "", "reprint receipts to pdf:FOLDER, cups:QUEUE, device:PATH, serial:PORT or tcp:HOST:PORT (default: devices.printer)")
	return cmd
}

func runWindow(ctx context.Context, o windowOptions) error {
	cfg, client, err := o.client.connectOrShow(ctx, app.RoleWindow, "cn.fengqiao.hall.window", false)
	if err != nil {
		return err
	}
	spec := o.printer
	if spec == "" {
		spec = cfg.Devices.Printer
	}
	print, err := reprinter(cfg.Devices, spec)
	if err != nil {
		return err
	}

	clientWindow{id: "cn.fengqiao.hall.window", title: "枫桥 · 窗口工作台",
		theme: theme.Staff(), size: fyne.NewSize(1366, 768), padded: true, role: "window console"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			withWindow(w, info, o.window.n, o.window.choose, func(n int) { startConsole(ctx, w, client, info, n, print) })
		})
	return nil
}

// startConsole shows the console of window n.
func startConsole(ctx context.Context, w fyne.Window, client console.Client, info app.Info, n int, print func(context.Context, printing.Receipt) error) {
	w.SetTitle(fmt.Sprintf("枫桥 · %d号窗口", n))
	sc := console.New(console.NewSession(client, n, info), console.Options{Print: print})
	w.SetContent(sc.Content())
	sc.Bind(w.Canvas())
	w.SetOnClosed(func() {
		c, stop := context.WithTimeout(context.Background(), 3*time.Second)
		defer stop()
		sc.Session().SignOut(c)
	})
	go sc.Run(ctx)
}

// reprinter returns the console's reprint (补打): the kiosk's print path, paper check included,
// to the printer spec names with the [devices] settings; nil for "".
func reprinter(d config.Devices, spec string) (func(context.Context, printing.Receipt) error, error) {
	if spec == "" {
		return nil, nil
	}
	print, err := receiptPrinter(d, spec)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, r printing.Receipt) error {
		_, err := print(ctx, r)
		return err
	}, nil
}
