package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/config"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
	"fengqiao/printing/receiptprint"
)

// TestEveryPrintPathReadsTheSameSettings prints the same receipt through the kiosk's printer
// (also `print-queue`'s), the console's reprint and `print-test --config` without flags, with one
// configuration whose [devices] settings are not the defaults: each sends the printer the same
// bytes, and those are the receipt rendered with the configuration's paper, QR mode and cut.
func TestEveryPrintPathReadsTheSameSettings(t *testing.T) {
	sim, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	// The example configuration, with a printer on the simulator and settings that are not the defaults.
	example, err := os.ReadFile("../fengqiao.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := strings.NewReplacer(`printer = "device:/dev/fengqiao-printer"`, `printer = "tcp:`+sim.Addr()+`"`,
		"paper = 80", "paper = 58", `qr = "native"`, `qr = "raster"`, `cut = "partial"`, `cut = "none"`).Replace(string(example))
	file := filepath.Join(t.TempDir(), "fengqiao.toml")
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Devices.Paper != 58 || cfg.Devices.Cut != "none" || cfg.Devices.QR != "raster" || !strings.HasPrefix(cfg.Devices.Printer, "tcp:") {
		t.Fatalf("the test configuration's devices: %+v", cfg.Devices)
	}
	const url = "https://zz.example.gov.cn"
	issued := time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// sent returns the bytes the printer receives while print runs.
	sent := func(name string, print func() error) []byte {
		t.Helper()
		before := len(sim.Received())
		if err := print(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return sim.Received()[before:]
	}
	printTest := func(reprint bool) func() error {
		return func() error {
			o := printTestOptions{config: file, publicURL: url, reprint: reprint, timeout: 20 * time.Second,
				now: func() time.Time { return issued }}
			if err := o.check(); err != nil {
				return err
			}
			var out bytes.Buffer
			return runPrintTest(ctx, Streams{Out: &out, Err: &out}, o)
		}
	}
	kioskPrint, err := receiptPrinter(cfg.Devices, cfg.Devices.Printer)
	if err != nil {
		t.Fatal(err)
	}
	reprint, err := reprinter(cfg.Devices, cfg.Devices.Printer)
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []bool{false, true} {
		r := sampleReceipt(url, re, issued)
		kiosk := sent("kiosk", func() error { _, err := kioskPrint(ctx, r); return err })
		if re {
			kiosk = sent("console reprint", func() error { return reprint(ctx, r) })
		}
		test := sent("print-test", printTest(re))
		if !bytes.Equal(kiosk, test) {
			t.Errorf("reprint %v: print-test sent %d bytes, the kiosk's path %d, and they differ", re, len(test), len(kiosk))
		}
		want, err := receiptprint.Render(r, printer.FormatESCPOS,
			receiptprint.Options{Paper: printing.Paper58, QR: printing.QRRaster, Cut: escpos.CutNone}, "")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(kiosk, want.Data) {
			t.Errorf("reprint %v: the printer did not get the receipt rendered for 58 mm, raster QR, no cut", re)
		}
	}
}
