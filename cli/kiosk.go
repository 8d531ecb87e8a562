package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/screens/kiosk"
	"fengqiao/screens/live"
	"fengqiao/voice"
)

type kioskOptions struct {
	hall     hallFlags
	windowed bool
	size     string
	measure  bool
}

func newKioskCmd(e *env) *cobra.Command {
	var o kioskOptions
	cmd := &cobra.Command{
		Use:   "kiosk",
		Short: "the self-service touchscreen (full screen; staff leave by PIN)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runKiosk(ctx, e.Out, o) })
		},
	}
	addHallFlags(cmd.Flags(), &o.hall)
	addWindowedFlag(cmd.Flags(), &o.windowed)
	addSizeFlag(cmd.Flags(), &o.size)
	addMeasureStartFlag(cmd.Flags(), &o.measure)
	return cmd
}

// kioskAppID is the kiosk's Fyne application id (its preferences folder).
const kioskAppID = "cn.fengqiao.hall.kiosk"

func runKiosk(ctx context.Context, stdout io.Writer, o kioskOptions) error {
	cfg, size, err := kioskSetup(o)
	if err == nil {
		err = startKiosk(ctx, stdout, o, cfg, size)
	}
	if err == nil || o.hall.config == "" || ctx.Err() != nil {
		return err
	}
	// With the hall's configuration the kiosk is a screen in a hall: say why on it rather than
	// exit unseen, and start afresh once the cause is gone.
	return failPage(ctx, kioskAppID, !o.windowed, err, func() error { _, _, err := kioskSetup(o); return err })
}

// kioskSetup reads and checks the kiosk's configuration: what must be right before its screen
// can start.
func kioskSetup(o kioskOptions) (config.Config, fyne.Size, error) {
	cfg, err := o.hall.load()
	if err != nil {
		return cfg, fyne.Size{}, err
	}
	if cfg.Hub.URL != "" && o.hall.config != "" {
		// A client of the hub service: it needs only its own token and leave PIN.
		if err := cfg.CheckRoleSecret(app.RoleKiosk); err != nil {
			return cfg, fyne.Size{}, fmt.Errorf("%s: %w", o.hall.config, err)
		}
	} else if err := realHall(o.hall.config, cfg); err != nil {
		return cfg, fyne.Size{}, err
	}
	size, err := parseSize(o.size, cfg.Kiosk.Portrait)
	return cfg, size, err
}

// startKiosk runs the kiosk's screen until it quits or ctx ends.
func startKiosk(ctx context.Context, stdout io.Writer, o kioskOptions, cfg config.Config, size fyne.Size) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var hall kiosk.Hall
	if cfg.Hub.URL != "" {
		c, err := hubClient(cfg, cfg.Hub.URL, cfg.RoleToken(app.RoleKiosk))
		if err != nil {
			return err
		}
		hall = c
		slog.Info("kiosk: using the hub", "url", cfg.Hub.URL)
	} else {
		// Development: the hub runs inside the kiosk and serves the other screens.
		h, err := openHall(ctx, cfg)
		if err != nil {
			return err
		}
		defer h.DB().Close()
		hall = h
		go func() {
			if err := serveHub(ctx, stdout, cfg, h); err != nil {
				slog.Error("kiosk: hub stopped", "err", err)
			}
		}()
	}

	opts := kioskScreenOptions(ctx, cfg, hall)
	if o.windowed {
		opts.Size = size
	}
	// The devices, the print queue with its staff alerts, the device state socket: kioskdevices.go.
	devs, err := openKioskDevices(ctx, cfg, hall)
	if err != nil {
		return err
	}
	if devs.printer != nil {
		opts.Printer = devs.printer
	}
	watcher, sc := devs.reader, devs.scanner

	a := fyneapp.NewWithID(kioskAppID)
	w := a.NewWindow(cfg.Hall.Name)
	opts.OnQuit = a.Quit
	k := kiosk.New(ctx, opts)
	k.Attach(w, !o.windowed)
	if o.windowed {
		w.Resize(size)
	}
	k.WatchDevices(ctx, watcher, sc)
	go k.Run(ctx)
	reportStart(a, stdout, o.measure)
	quitWhenDone(ctx, a)
	w.ShowAndRun()
	return nil
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

// kioskScreenOptions are the kiosk screen's options from the configuration.
func kioskScreenOptions(ctx context.Context, cfg config.Config, hall kiosk.Hall) kiosk.Options {
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

func kioskSize(portrait bool) fyne.Size {
	if portrait {
		return kiosk.Portrait
	}
	return kiosk.Landscape
}

// processStart is when the program started (package variables initialise before main runs).
var processStart = time.Now()

// reportStart prints how long the program took to show the kiosk's home screen, and quits if told
// to (the cold-start measurement in docs/performance.md).
func reportStart(a fyne.App, stdout io.Writer, quit bool) {
	a.Lifecycle().SetOnStarted(func() {
		offMain(context.Background(), func(context.Context) func() {
			// The first frame is painted right after the run loop starts.
			time.Sleep(50 * time.Millisecond)
			return func() {
				fmt.Fprintf(stdout, "kiosk: home screen up %v after start\n", time.Since(processStart).Round(time.Millisecond))
				if quit {
					a.Quit()
				}
			}
		})
	})
}

// quitWhenDone quits the app when ctx ends (an interrupt, or the command's end).
func quitWhenDone(ctx context.Context, a fyne.App) {
	offMain(ctx, func(ctx context.Context) func() {
		<-ctx.Done()
		return a.Quit
	})
}

// offMain runs work off Fyne's UI thread and then runs the function it returns, if any, on it:
// the screens' one off-main runner (live.Worker) posting with fyne.Do.
func offMain(ctx context.Context, work func(ctx context.Context) func()) {
	live.Worker{Post: fyne.Do}.Go(ctx, work)
}
