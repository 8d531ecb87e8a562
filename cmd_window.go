package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/printer"
	"fengqiao/hub"
	"fengqiao/printing"
	"fengqiao/screens/console"
	"fengqiao/screens/theme"
	"fengqiao/store"
)

func init() {
	register("window", "the window staff console: sign in, call, case form (needs a hub)", runWindow)
	registerScreenshots("console", func(dir string) error { return console.Screenshots(dir, config.Default().Info()) })
}

// consoleHall gives the hub's hall the console's extras, checking staff sign-ins against
// cfg.Staff. The hub serves the console, display and rating calls only for such a hall, which is
// what serveHub hands it.
func consoleHall(cfg config.Config, h *store.Hall) *store.Console {
	staff := cfg.Staff
	return store.NewConsole(h, func(name, pin string) bool {
		for _, s := range staff {
			if s.Name == name {
				return s.CheckPIN(pin)
			}
		}
		return false
	})
}

// clientFlags are the flags every hub client role shares.
type clientFlags struct {
	config, hub, token *string
}

func addClientFlags(fs *flag.FlagSet) clientFlags {
	return clientFlags{
		config: fs.String("config", "", "configuration file (default: the demo hall)"),
		hub:    fs.String("hub", "", "the hub's `URL`, e.g. http://192.168.1.10:8470 (default: hub.url, else http://hub.listen)"),
		token:  fs.String("token", "", "this role's hub token (default: the first configured for the role)"),
	}
}

// connect loads the configuration and returns a hub client for role.
func (f clientFlags) connect(role string) (config.Config, *hub.Client, error) {
	cfg, err := loadConfig(*f.config, "")
	if err != nil {
		return cfg, nil, err
	}
	url := *f.hub
	if url == "" {
		url = cfg.Hub.URL
	}
	if url == "" {
		url = "http://" + cfg.Hub.Listen
	}
	tok := *f.token
	if tok == "" {
		tok = cfg.RoleToken(role)
	}
	if tok == "" {
		return cfg, nil, fmt.Errorf("no %s token: pass --token or configure one under [hub]", role)
	}
	return cfg, hub.NewClient(url, tok), nil
}

// waitInfo asks the hub who the hall is until it answers or ctx ends, telling the screen.
func waitInfo(ctx context.Context, c *hub.Client, waiting func(err error)) (app.Info, error) {
	for {
		info, err := c.Info(ctx)
		if err == nil {
			return info, nil
		}
		if app.ErrorCode(err) != app.EUNAVAILABLE && !errors.Is(err, hub.ErrUnreachable) {
			return info, err // a wrong token does not heal by waiting
		}
		waiting(err)
		select {
		case <-ctx.Done():
			return info, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// connecting is the screen shown until the hub answers.
func connecting(msg *canvas.Text) fyne.CanvasObject {
	msg.TextSize = 28
	return container.NewStack(canvas.NewRectangle(theme.Ground), container.NewCenter(msg))
}

// clientWindow is the frame every hub client role shares: a window that says it is connecting
// until the hub answers, then shows what ready builds for the hall. The app quits when ctx ends.
type clientWindow struct {
	id, title  string
	theme      fyne.Theme
	size       fyne.Size
	padded     bool
	fullScreen bool
	role       string // for the log line when the hub refuses the token
}

// run shows the window until it is closed or ctx ends. ready runs on the UI thread once the hub
// has answered; whatever it starts must stop when ctx ends.
func (cw clientWindow) run(ctx context.Context, client *hub.Client, ready func(ctx context.Context, w fyne.Window, info app.Info)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := fyneapp.NewWithID(cw.id)
	a.Settings().SetTheme(cw.theme)
	w := a.NewWindow(cw.title)
	w.SetPadded(cw.padded)
	w.Resize(cw.size)
	if cw.fullScreen {
		w.SetFullScreen(true)
	}
	msg := canvas.NewText("正在连接叫号服务器…", theme.Navy)
	w.SetContent(connecting(msg))
	say := func(text string) {
		fyne.Do(func() {
			msg.Text = text
			msg.Refresh()
		})
	}
	go func() {
		info, err := waitInfo(ctx, client, func(error) { say("无法连接叫号服务器，正在重试…") })
		if err != nil {
			if ctx.Err() == nil {
				slog.Error(cw.role+": hub refused", "err", err)
				say("叫号服务器拒绝连接：请检查令牌（--token）")
			}
			return
		}
		fyne.Do(func() { ready(ctx, w, info) })
	}()
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}

// receiptPrinter returns a function printing reprinted receipts to spec: "pdf:FOLDER",
// "cups:QUEUE", "device:PATH", "serial:PORT" or "tcp:HOST:PORT"; nil for "".
func receiptPrinter(spec string, paperMM int) (func(context.Context, printing.Receipt) error, error) {
	if spec == "" {
		return nil, nil
	}
	kind, addr, ok := strings.Cut(spec, ":")
	if !ok || addr == "" {
		return nil, fmt.Errorf("printer %q: want pdf:FOLDER, cups:QUEUE, device:PATH, serial:PORT or tcp:HOST:PORT", spec)
	}
	paper := printing.Paper(paperMM)
	if paperMM == 0 {
		paper = printing.Paper(80)
	}
	rd, err := printing.Default()
	if err != nil {
		return nil, err
	}
	var p printer.Printer
	switch kind {
	case "pdf":
		return func(_ context.Context, r printing.Receipt) error {
			b, err := rd.PDF(r, paper)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(addr, 0o755); err != nil {
				return fmt.Errorf("reprint: %w", err)
			}
			name := filepath.Join(addr, fmt.Sprintf("reprint-%s-%s.pdf", r.Ticket, time.Now().Format("150405")))
			return os.WriteFile(name, b, 0o644)
		}, nil
	case "cups":
		q := &printer.CUPS{Queue: addr}
		return func(ctx context.Context, r printing.Receipt) error {
			b, err := rd.PDF(r, paper)
			if err != nil {
				return err
			}
			return q.Print(ctx, printer.Job{Title: "Fengqiao reprint", Format: printer.FormatPDF, Data: b})
		}, nil
	case "device":
		p = &printer.Device{Path: addr}
	case "serial":
		p = &printer.Serial{Port: addr, Baud: 9600}
	case "tcp":
		p = &printer.Network{Addr: addr}
	default:
		return nil, fmt.Errorf("printer %q: unknown kind %q", spec, kind)
	}
	return func(ctx context.Context, r printing.Receipt) error {
		b, err := rd.ESCPOS(r, printing.ESCPOSOptions{Paper: paper})
		if err != nil {
			return err
		}
		return p.Print(ctx, printer.Job{Title: "Fengqiao reprint", Format: printer.FormatESCPOS, Data: b})
	}, nil
}

func runWindow(ctx context.Context, args []string) error {
	fs := newFlags("window")
	cf := addClientFlags(fs)
	window := fs.Int("window", 0, "this console's window `N` (required)")
	printerSpec := fs.String("printer", "", "reprint receipts to pdf:FOLDER, cups:QUEUE, device:PATH, serial:PORT or tcp:HOST:PORT (default: devices.printer)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *window <= 0 {
		fmt.Fprintln(fs.Output(), "window: --window N is required")
		return errUsage
	}
	cfg, client, err := cf.connect(config.RoleWindow)
	if err != nil {
		return err
	}
	spec := *printerSpec
	if spec == "" {
		spec = cfg.Devices.Printer
	}
	print, err := receiptPrinter(spec, cfg.Devices.Paper)
	if err != nil {
		return err
	}

	clientWindow{id: "cn.fengqiao.hall.window", title: fmt.Sprintf("枫桥 · %d号窗口", *window),
		theme: theme.Staff(), size: fyne.NewSize(1366, 860), padded: true, role: "window console"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			sc := console.New(console.NewSession(client, *window, info), console.Options{Print: print})
			w.SetContent(sc.Content())
			sc.Bind(w.Canvas())
			w.Canvas().Focus(sc.Name)
			w.SetOnClosed(func() {
				c, stop := context.WithTimeout(context.Background(), 3*time.Second)
				defer stop()
				sc.Session().SignOut(c)
			})
			go sc.Run(ctx)
		})
	return nil
}
