package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
	"fengqiao/hub"
	"fengqiao/screens/kiosk"
	"fengqiao/store"
	"fengqiao/voice"
)

// processStart is when the program started (package variables initialise before main).
var processStart = time.Now()

// reportStart prints how long the program took to show the kiosk's home screen, and quits if told
// to (the cold-start measurement in docs/performance.md).
func reportStart(a fyne.App, quit bool) {
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			// The first frame is painted right after the run loop starts.
			time.Sleep(50 * time.Millisecond)
			fyne.Do(func() {
				fmt.Printf("kiosk: home screen up %v after start\n", time.Since(processStart).Round(time.Millisecond))
				if quit {
					a.Quit()
				}
			})
		}()
	})
}

func init() {
	register("kiosk", "the self-service touchscreen (full screen; staff leave by PIN)", runKiosk)
	register("demo", "the whole demo hall on one machine: hub, kiosk, simulated reader, scanner and printer", runDemo)
	registerScreenshots("kiosk", renderKioskScreens)
}

// kioskSpeaker returns the spoken prompts, or nil when speech is off or no voice is installed.
func kioskSpeaker(ctx context.Context, cfg config.Config) kiosk.Speaker {
	if !cfg.Kiosk.Speech {
		return nil
	}
	s := voice.New(cfg.Display.SpeechCommand)
	if _, chime := s.(*voice.Chime); chime {
		slog.Info("kiosk: no speech voice installed (espeak-ng); prompts are shown only")
		return nil
	}
	q := voice.NewQueue(s, 1)
	go q.Run(ctx)
	return q
}

func kioskOptions(ctx context.Context, cfg config.Config, hall app.Hall) kiosk.Options {
	return kiosk.Options{
		Hall:        hall,
		Info:        cfg.Info(),
		Speaker:     kioskSpeaker(ctx, cfg),
		IdleAfter:   time.Duration(cfg.Kiosk.IdleSeconds) * time.Second,
		ResultAfter: time.Duration(cfg.Kiosk.ResultSeconds) * time.Second,
		ElderlyAge:  max(cfg.Queue.ElderlyAge, 0),
		StaffPIN:    cfg.Kiosk.StaffPIN,
		Source:      cfg.Kiosk.Name,
		ReaderPlace: cfg.Kiosk.ReaderPlace,
		Portrait:    cfg.Kiosk.Portrait,
		Location:    cfg.Rules().Location,
	}
}

func runKiosk(ctx context.Context, args []string) error {
	fs := newFlags("kiosk")
	cfgPath := fs.String("config", "", "configuration file (default: the demo hall)")
	dataDir := fs.String("data", "", "data folder (overrides data_dir)")
	windowed := fs.Bool("windowed", false, "run in a window instead of full screen (installation and testing)")
	measure := fs.Bool("measure-start", false, "print the time to the home screen and quit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, *dataDir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var hall app.Hall
	if cfg.Hub.URL != "" {
		hall = hub.NewClient(cfg.Hub.URL, cfg.RoleToken(config.RoleKiosk))
		slog.Info("kiosk: using the hub", "url", cfg.Hub.URL)
	} else {
		// A single-PC hall: the hub runs inside the kiosk and serves the other screens.
		h, err := openHall(ctx, cfg)
		if err != nil {
			return err
		}
		defer h.DB().Close()
		hall = h
		go func() {
			if err := serveHub(ctx, cfg, h); err != nil {
				slog.Error("kiosk: hub stopped", "err", err)
			}
		}()
	}

	opts := kioskOptions(ctx, cfg, hall)
	p, err := kiosk.OpenPrinter(kiosk.PrinterConfig{Spec: cfg.Devices.Printer, Paper: cfg.Devices.Paper, QR: cfg.Devices.QR, Cut: cfg.Devices.Cut})
	switch {
	case errors.Is(err, kiosk.ErrNoPrinter):
		slog.Warn("kiosk: no printer configured; tickets are shown on screen only")
	case err != nil:
		return err
	default:
		opts.Printer = p
	}
	var watcher *idcard.Watcher
	if cfg.Devices.IDCardPort != "" {
		watcher = idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: cfg.Devices.IDCardPort, Baud: cfg.Devices.IDCardBaud}})
	}
	var sc *scanner.Scanner
	if cfg.Devices.ScannerPort != "" {
		sc = scanner.New(scanner.Config{Port: cfg.Devices.ScannerPort, Baud: cfg.Devices.ScannerBaud})
	}

	a := fyneapp.NewWithID("cn.fengqiao.hall.kiosk")
	w := a.NewWindow(cfg.Hall.Name)
	opts.OnQuit = a.Quit
	k := kiosk.New(ctx, opts)
	k.Attach(w, !*windowed)
	if *windowed {
		w.Resize(kioskSize(cfg.Kiosk.Portrait))
	}
	k.WatchDevices(ctx, watcher, sc)
	go k.Run(ctx)
	reportStart(a, *measure)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

func kioskSize(portrait bool) fyne.Size {
	if portrait {
		return kiosk.Portrait
	}
	return kiosk.Landscape
}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo")
	cfgPath := fs.String("config", "", "configuration file (default: the demo hall)")
	dataDir := fs.String("data", "data", "data folder: database, receipts (PDF) and simulated device links")
	portrait := fs.Bool("portrait", false, "portrait screen (1080×1920)")
	full := fs.Bool("fullscreen", false, "run the kiosk full screen")
	measure := fs.Bool("measure-start", false, "print the time to the home screen and quit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, *dataDir)
	if err != nil {
		return err
	}
	if *portrait {
		cfg.Kiosk.Portrait = true
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
		if err := serveHub(ctx, cfg, h); err != nil {
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

	opts := kioskOptions(ctx, cfg, h)
	opts.Printer = receipts
	watcher := idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: reader.Path()}})
	sc := scanner.New(scanner.Config{Port: scan.Path()})

	a := fyneapp.NewWithID("cn.fengqiao.hall.demo")
	w := a.NewWindow(cfg.Hall.Name + "（演示）")
	opts.OnQuit = a.Quit
	k := kiosk.New(ctx, opts)
	k.Attach(w, *full)
	w.SetCloseIntercept(a.Quit) // the demo closes like any window
	if !*full {
		w.Resize(kioskSize(cfg.Kiosk.Portrait))
	}
	k.WatchDevices(ctx, watcher, sc)
	go k.Run(ctx)

	panel := a.NewWindow("模拟设备")
	panel.SetContent(kiosk.SimPanel(ctx, kiosk.SimDevices{
		Reader: reader, Scanner: scan, Printer: receipts, Hall: h,
	}))
	panel.SetCloseIntercept(func() {}) // stays while the demo runs
	panel.Show()
	reportStart(a, *measure)

	fmt.Printf("fengqiao demo: receipts go to %s; hub API on http://%s (kiosk token %s)\n",
		receipts.Dir, cfg.Hub.Listen, cfg.RoleToken(config.RoleKiosk))
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	cancel() // stop the device loops before the simulators go away
	return nil
}

// renderKioskScreens renders every kiosk screen into dir, on a fresh demo hall in a temporary folder.
func renderKioskScreens(dir string) error {
	tmp, err := os.MkdirTemp("", "fengqiao-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cfg := config.Default()
	cfg.DataDir = tmp
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	hall := store.NewHall(db, cfg.Info(), cfg.Rules(), func() time.Time { return now })
	// Fyne's test driver expects to be driven from a goroutine other than main.
	var files []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		files, err = kiosk.RenderScreenshots(dir, kiosk.ScreenshotEnv{
			Hall: hall, Info: cfg.Info(), ElderlyAge: cfg.Queue.ElderlyAge, Location: cfg.Rules().Location,
			SetTime: func(t time.Time) { now = t },
		})
	}()
	<-done
	if err != nil {
		return err
	}
	fmt.Printf("kiosk: %d screens\n", len(files))
	return nil
}
