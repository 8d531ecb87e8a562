package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"github.com/spf13/pflag"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/hub"
	"fengqiao/screens/theme"
)

// clientFlags are the flags every hub client role (window, display, rate) shares.
type clientFlags struct {
	config, hub, token string
}

func addClientFlags(fs *pflag.FlagSet, f *clientFlags) {
	addConfigFlag(fs, &f.config, "")
	fs.StringVar(&f.hub, "hub", "", "the hub's `URL`, e.g. http://192.168.1.10:8470 (default: hub.url, else http://hub.listen)")
	fs.StringVar(&f.token, "token", "", "this role's hub token (default: the first configured for the role)")
}

// connect loads the configuration and returns a hub client for role.
func (f clientFlags) connect(role app.Role) (config.Config, *hub.Client, error) {
	cfg, err := loadConfig(f.config, "")
	if err != nil {
		return cfg, nil, err
	}
	url := f.hub
	if url == "" {
		url = cfg.Hub.URL
	}
	if url == "" {
		url = "http://" + cfg.Hub.Listen
	}
	tok := f.token
	if tok == "" {
		// A client reads only its own role's token (docs/install.md, "Who reads what").
		if f.config != "" {
			if err := cfg.CheckRoleSecret(role); err != nil {
				return cfg, nil, fmt.Errorf("%s: %w", f.config, err)
			}
		}
		tok = cfg.RoleToken(role)
	}
	if tok == "" {
		return cfg, nil, fmt.Errorf("no %s token: pass --token or configure one under [hub]", role)
	}
	c, err := hubClient(cfg, url, tok)
	return cfg, c, err
}

// connectOrShow is connect for a screen started from a menu entry or a shortcut, where an error
// on the terminal goes unseen: with a configuration file, a failure shows on screen with its
// reason (failPage) and the program starts afresh once it is gone.
func (f clientFlags) connectOrShow(ctx context.Context, role app.Role, appID string, fullScreen bool) (config.Config, *hub.Client, error) {
	cfg, c, err := f.connect(role)
	if err == nil || f.config == "" {
		return cfg, c, err
	}
	return cfg, nil, failPage(ctx, appID, fullScreen, err, func() error { _, _, err := f.connect(role); return err })
}

// hubClient returns a client of the hub at url, pinning the hub's certificate when the hub is
// reached over https (hub.cert_sha256, or the certificate in hub.cert_file).
func hubClient(cfg config.Config, url, token string) (*hub.Client, error) {
	c := hub.NewClient(url, token)
	if !strings.HasPrefix(url, "https://") {
		return c, nil
	}
	pin := cfg.Hub.CertSHA256
	if pin == "" && cfg.Hub.CertFile != "" {
		var err error
		if pin, err = hub.FileFingerprint(cfg.Hub.CertFile); err != nil {
			return nil, err
		}
	}
	if pin == "" {
		return nil, fmt.Errorf("the hub %s is https: set hub.cert_sha256 (or hub.cert_file) to pin its certificate", url)
	}
	if err := c.Pin(pin); err != nil {
		return nil, fmt.Errorf("hub.cert_sha256: %w", err)
	}
	return c, nil
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
	offMain(ctx, func(ctx context.Context) func() {
		info, err := waitInfo(ctx, client, func(error) { say("无法连接叫号服务器，正在重试…") })
		if err != nil {
			if ctx.Err() == nil {
				slog.Error(cw.role+": hub refused", "err", err)
				say("叫号服务器拒绝连接：请检查令牌（--token）")
			}
			return nil
		}
		return func() { ready(ctx, w, info) }
	})
	quitWhenDone(ctx, a)
	w.ShowAndRun()
}
