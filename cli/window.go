package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/screens/console"
	"fengqiao/screens/theme"
)

type windowOptions struct {
	client  clientFlags
	window  int
	printer string
}

func newWindowCmd(e *env) *cobra.Command {
	var o windowOptions
	cmd := &cobra.Command{
		Use:   "window --window N",
		Short: "the window staff console: sign in, call, case form (needs a hub)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireWindow(o.window); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runWindow(ctx, o) })
		},
	}
	addClientFlags(cmd.Flags(), &o.client)
	addWindowFlag(cmd.Flags(), &o.window)
	cmd.Flags().StringVar(&o.printer, "printer", "", "reprint receipts to pdf:FOLDER, cups:QUEUE, device:PATH, serial:PORT or tcp:HOST:PORT (default: devices.printer)")
	return cmd
}

func runWindow(ctx context.Context, o windowOptions) error {
	cfg, client, err := o.client.connect(config.RoleWindow)
	if err != nil {
		return err
	}
	spec := o.printer
	if spec == "" {
		spec = cfg.Devices.Printer
	}
	print, err := receiptPrinter(spec, cfg.Devices.Paper, cfg.Hall.Phone)
	if err != nil {
		return err
	}

	clientWindow{id: "cn.fengqiao.hall.window", title: fmt.Sprintf("枫桥 · %d号窗口", o.window),
		theme: theme.Staff(), size: fyne.NewSize(1366, 860), padded: true, role: "window console"}.
		run(ctx, client, func(ctx context.Context, w fyne.Window, info app.Info) {
			sc := console.New(console.NewSession(client, o.window, info), console.Options{Print: print})
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

// receiptPrinter returns a function printing reprinted receipts to spec: "pdf:FOLDER",
// "cups:QUEUE", "device:PATH", "serial:PORT" or "tcp:HOST:PORT"; nil for "". Receipts without a
// hall phone get hallPhone, the configuration's [hall] phone.
func receiptPrinter(spec string, paperMM int, hallPhone string) (func(context.Context, printing.Receipt) error, error) {
	print, err := openReceiptPrinter(spec, paperMM)
	if print == nil || err != nil {
		return print, err
	}
	return func(ctx context.Context, r printing.Receipt) error {
		r.HallPhone = cmp.Or(r.HallPhone, hallPhone)
		return print(ctx, r)
	}, nil
}

func openReceiptPrinter(spec string, paperMM int) (func(context.Context, printing.Receipt) error, error) {
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
