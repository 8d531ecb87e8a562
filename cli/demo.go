package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	fyneapp "fyne.io/fyne/v2/app"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
	"fengqiao/screens/kiosk"
)

type demoOptions struct {
	hall       hallFlags
	portrait   bool
	fullscreen bool
	size       string
	measure    bool
}

func newDemoCmd(e *env) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "the whole demo hall on one machine: hub, kiosk, simulated reader, scanner and printer",
		Long: "The whole demo hall on one machine: the hub, the kiosk in a window, and a panel of simulated\n" +
			"devices (ID card reader, QR scanner, receipt printer writing PDF files under --data).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runDemo(ctx, e.Out, o) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.hall.config, "")
	addDataFlag(cmd.Flags(), &o.hall.data, "data")
	cmd.Flags().BoolVar(&o.portrait, "portrait", false, "portrait screen (1080×1920)")
	cmd.Flags().BoolVar(&o.fullscreen, "fullscreen", false, "run the kiosk full screen")
	addSizeFlag(cmd.Flags(), &o.size)
	addMeasureStartFlag(cmd.Flags(), &o.measure)
	return cmd
}

func runDemo(ctx context.Context, stdout io.Writer, o demoOptions) error {
	cfg, err := o.hall.load()
	if err != nil {
		return err
	}
	if o.portrait {
		cfg.Kiosk.Portrait = true
	}
	size, err := parseSize(o.size, cfg.Kiosk.Portrait)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	h, err := openHall(ctx, cfg)
	if err != nil {
		return err
	}
	defer h.DB().Close()
	go func() {
		if err := serveHub(ctx, stdout, cfg, h); err != nil {
			slog.Warn("demo: hub API not served (other roles cannot connect)", "err", err)
		}
	}()

	reader, err := idcardsim.New(idcardsim.Options{Link: filepath.Join(cfg.DataDir, "sim-idcard"), Mode: idcardsim.FindOncePerPlacement})
	if err != nil {
		return err
	}
	defer reader.Close()
	scan, err := scannersim.New(scannersim.Options{Link: filepath.Join(cfg.DataDir, "sim-scanner")})
	if err != nil {
		return err
	}
	defer scan.Close()
	receipts := &kiosk.PDFFolder{Dir: filepath.Join(cfg.DataDir, "receipts"), Paper: 80}
	if cfg.Devices.Paper == 58 {
		receipts.Paper = 58
	}

	opts := kioskScreenOptions(ctx, cfg, h)
	opts.Printer = receipts
	if !o.fullscreen {
		opts.Size = size
	}
	watcher := idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: reader.Path()}})
	sc := scanner.New(scanner.Config{Port: scan.Path()})

	a := fyneapp.NewWithID("cn.fengqiao.hall.demo")
	w := a.NewWindow(cfg.Hall.Name + "（演示）")
	opts.OnQuit = a.Quit
	k := kiosk.New(ctx, opts)
	k.Attach(w, o.fullscreen)
	w.SetCloseIntercept(a.Quit) // the demo closes like any window
	if !o.fullscreen {
		w.Resize(size)
	}
	k.WatchDevices(ctx, watcher, sc)
	go k.Run(ctx)

	panel := a.NewWindow("模拟设备")
	panel.SetContent(kiosk.SimPanel(ctx, kiosk.SimDevices{
		Reader: reader, Scanner: scan, Printer: receipts, Hall: h,
	}))
	panel.SetCloseIntercept(func() {}) // stays while the demo runs
	panel.Show()
	reportStart(a, stdout, o.measure)

	fmt.Fprintf(stdout, "fengqiao demo: receipts go to %s; hub API on http://%s (kiosk token %s)\n",
		receipts.Dir, cfg.Hub.Listen, cfg.RoleToken(app.RoleKiosk))
	quitWhenDone(ctx, a)
	w.ShowAndRun()
	cancel() // stop the device loops before the simulators go away
	return nil
}
