package cli

import (
	"context"
	"log/slog"
	"time"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/devstate"
	"fengqiao/devices/idcard"
	"fengqiao/devices/printer"
	"fengqiao/devices/scanner"
	"fengqiao/printing"
	"fengqiao/printing/receiptprint"
	"fengqiao/printing/spool"
	"fengqiao/screens/kiosk"
)

// receiptPrinter returns the function that prints receipts to the printer spec names, with the
// [devices] settings (config.Devices.ReceiptPrinter): the one print path (receiptprint.Print) the
// kiosk, the window console's reprint and `fengqiao print-queue` share.
func receiptPrinter(d config.Devices, spec string) (spool.PrintFunc, error) {
	p, o, err := d.ReceiptPrinter(spec)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, r printing.Receipt) (printer.PaperStatus, error) {
		return receiptprint.Print(ctx, p, r, o)
	}, nil
}

// kioskDevices are the devices the kiosk holds.
type kioskDevices struct {
	cfg     config.Devices
	printer kiosk.Printer // nil without a printer
	queue   *spool.Worker // nil without a printer
	reader  *idcard.Watcher
	scanner *scanner.Scanner
}

// openKioskDevices opens the kiosk's devices, starts its print queue, which raises a help alert
// through hall when the printer fails or runs low, and answers other processes about the
// devices on the device state socket (`fengqiao doctor`, `fengqiao devices`), until ctx ends.
func openKioskDevices(ctx context.Context, cfg config.Config, hall helpRequester) (kioskDevices, error) {
	d := cfg.Devices
	devs := kioskDevices{cfg: d}
	if d.IDCardPort != "" {
		devs.reader = idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: d.IDCardPort, Baud: d.IDCardBaud}})
	}
	if d.ScannerPort != "" {
		devs.scanner = scanner.New(scanner.Config{Port: d.ScannerPort, Baud: d.ScannerBaud})
	}
	if d.Printer == "" {
		slog.Warn("kiosk: no printer configured; tickets are shown on screen only")
	} else {
		print, err := receiptPrinter(d, d.Printer)
		if err != nil {
			return devs, err
		}
		q, err := spool.Open(cfg.PrintQueueDir(), time.Duration(cfg.Kiosk.ReceiptMaxAge))
		if err != nil {
			return devs, err
		}
		devs.queue = spool.NewWorker(q, print, spool.WorkerOptions{
			OnChange: func(c spool.Condition) { alertPrinter(ctx, hall, cfg.Kiosk.Name, c) },
		})
		devs.printer = kiosk.Spooled{Worker: devs.queue}
		go func() {
			if err := devs.queue.Run(ctx); err != nil {
				slog.Error("kiosk: print queue stopped", "err", err)
			}
		}()
	}
	go func() {
		if err := devstate.Serve(ctx, devstate.DefaultPath(), devs.state); err != nil {
			slog.Warn("kiosk: device state socket not served (doctor cannot ask the kiosk)", "err", err)
		}
	}()
	return devs, nil
}

// helpRequester raises a help alert for staff (app.Hall does).
type helpRequester interface {
	RequestHelp(ctx context.Context, source string) (app.HelpAlert, error)
}

// alertPrinter raises a help alert for staff when the printer's condition calls for one:
// 打印机缺纸, 打印机无响应, 纸将用尽 or 打印失败. The print queue reports changes only, so a
// printer that stays out of paper raises one alert.
func alertPrinter(ctx context.Context, hall helpRequester, source string, c spool.Condition) {
	reason := c.Alert()
	if reason == "" || hall == nil {
		return
	}
	if source == "" {
		source = "大厅自助机"
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := hall.RequestHelp(ctx, source+"："+reason); err != nil {
		slog.Warn("kiosk: printer alert not raised", "reason", c.Alert(), "err", err)
	}
}

// state is what the kiosk says about its devices on the device state socket.
func (devs kioskDevices) state() []devstate.Device {
	var out []devstate.Device
	if devs.reader != nil {
		out = append(out, devstate.Device{Name: "reader", Port: devs.cfg.IDCardPort, State: devs.reader.State().Label()})
	}
	if devs.scanner != nil {
		st := "未连接"
		if devs.scanner.Connected() {
			st = "就绪"
		}
		out = append(out, devstate.Device{Name: "scanner", Port: devs.cfg.ScannerPort, State: st})
	}
	if devs.queue != nil {
		port := printer.Port(devs.cfg.Printer)
		if port == "" {
			port = devs.cfg.Printer // a network printer or a queue: nobody else is locked out
		}
		out = append(out, devstate.Device{Name: "printer", Port: port, State: devs.queue.Condition().Label()})
	}
	return out
}
