package printer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/devices/printer"
)

func TestOpen(t *testing.T) {
	tests := []struct {
		spec    string
		s       printer.Settings
		want    printer.Printer
		wantErr bool
	}{
		{"serial:/dev/ttyUSB0", printer.Settings{Baud: 19200, Stall: 5 * time.Second},
			&printer.Serial{Port: "/dev/ttyUSB0", Baud: 19200, Stall: 5 * time.Second}, false},
		{"cups:KIOSK", printer.Settings{Format: "escpos"}, &printer.CUPS{Queue: "KIOSK", Format: printer.FormatESCPOS}, false},
		{"cups:KIOSK", printer.Settings{}, &printer.CUPS{Queue: "KIOSK", Format: printer.FormatPDF}, false},
		{"tcp:10.0.0.5:9100", printer.Settings{}, &printer.Network{Addr: "10.0.0.5:9100"}, false},
		{"device:/dev/usb/lp0", printer.Settings{}, &printer.Device{Path: "/dev/usb/lp0"}, false},
		{"pdf:/tmp/receipts", printer.Settings{}, &printer.Folder{Dir: "/tmp/receipts"}, false},
		{"serial:/dev/ttyUSB0", printer.Settings{Baud: 9601}, nil, true},
		{"cups:KIOSK", printer.Settings{Format: "ps"}, nil, true},
		{"lpt:1", printer.Settings{}, nil, true},
		{"serial:", printer.Settings{}, nil, true},
	}
	for _, tt := range tests {
		got, err := printer.Open(tt.spec, tt.s)
		if (err != nil) != tt.wantErr {
			t.Errorf("Open(%q, %+v) error %v, want error %v", tt.spec, tt.s, err, tt.wantErr)
			continue
		}
		if err == nil && fmtP(got) != fmtP(tt.want) {
			t.Errorf("Open(%q) = %s, want %s", tt.spec, fmtP(got), fmtP(tt.want))
		}
	}
	p, _ := printer.Open("cups:RAW", printer.Settings{Format: "escpos"})
	if printer.Accepts(p) != printer.FormatESCPOS {
		t.Error("a raw CUPS queue does not take ESC/POS")
	}
}

func fmtP(p printer.Printer) string { return fmt.Sprintf("%T%+v", p, p) }

func TestFolder(t *testing.T) {
	dir := t.TempDir() + "/receipts"
	p, err := printer.Open("pdf:"+dir, printer.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if printer.Accepts(p) != printer.FormatPDF {
		t.Error("a folder does not take PDF")
	}
	if _, err := p.Status(context.Background()); err != nil {
		t.Errorf("status of a folder not made yet: %v", err)
	}
	if err := p.Print(context.Background(), printer.Job{Title: "receipt A003", Format: printer.FormatESCPOS}); !errors.Is(err, printer.ErrFormat) {
		t.Errorf("ESC/POS to a folder: %v, want ErrFormat", err)
	}
	if err := p.Print(context.Background(), printer.Job{Title: "receipt A003/..", Format: printer.FormatPDF, Data: []byte("%PDF")}); err != nil {
		t.Fatal(err)
	}
	last := p.(*printer.Folder).Last()
	if filepath.Dir(last) != dir || !strings.HasSuffix(last, "-receipt-A003.pdf") {
		t.Errorf("file %q", last)
	}
	if b, err := os.ReadFile(last); err != nil || string(b) != "%PDF" {
		t.Errorf("file holds %q, %v", b, err)
	}
}

func TestPort(t *testing.T) {
	for spec, want := range map[string]string{"serial:/dev/ttyUSB0": "/dev/ttyUSB0", "device:/dev/usb/lp0": "/dev/usb/lp0",
		"tcp:10.0.0.5:9100": "", "cups:KIOSK": "", "": ""} {
		if got := printer.Port(spec); got != want {
			t.Errorf("Port(%q) = %q, want %q", spec, got, want)
		}
	}
}
