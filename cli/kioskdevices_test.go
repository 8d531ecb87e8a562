package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/config"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
	"fengqiao/screens/kiosk"
)

// TestKioskPrinterOutOfPaperAlertsStaffOnce runs the kiosk's real print path — its devices, the
// print queue and the hall — against a network printer out of paper: the visitor's receipt is
// refused as paper-out (the ticket is still shown on screen), and staff get one help alert
// however many visitors come, not one per receipt.
func TestKioskPrinterOutOfPaperAlertsStaffOnce(t *testing.T) {
	sim, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.SetPaper(printer.PaperOut)

	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Devices.Printer = "tcp:" + sim.Addr()
	cfg.Devices.IDCardPort, cfg.Devices.ScannerPort = "", ""
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // the device state socket goes there
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hall, err := openHall(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hall.DB().Close()
	devs, err := openKioskDevices(ctx, cfg, hall)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"C001", "C002", "C003"} {
		pctx, pcancel := context.WithTimeout(ctx, 20*time.Second)
		err := devs.printer.PrintReceipt(pctx, printing.Receipt{Hall: "枫桥镇综治中心", Service: "12345热线",
			Ticket: label, Issued: time.Now(), CaseCode: "7KQ2-M9XP-4HVT-W3RA-5C2D", PublicURL: "https://zz.zhuji.gov.cn"})
		pcancel()
		if !errors.Is(err, kiosk.ErrPaperOut) {
			t.Fatalf("%s: err = %v, want paper out", label, err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		help, err := hall.OpenHelp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(help) > 0 {
			if len(help) != 1 || !strings.Contains(help[0].Source, "打印机缺纸") {
				t.Fatalf("help alerts %+v, want one 打印机缺纸", help)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no staff alert for a printer out of paper")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a second alert would have come by now
	if help, _ := hall.OpenHelp(ctx); len(help) != 1 {
		t.Fatalf("help alerts %+v, want exactly one", help)
	}
	if q, err := filepath.Glob(filepath.Join(cfg.PrintQueueDir(), "*")); err != nil || len(q) != 3 {
		t.Errorf("print queue holds %v (%v), want the three receipts waiting for paper", q, err)
	}
}
