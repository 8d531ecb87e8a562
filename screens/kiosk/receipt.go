package kiosk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
)

// Printer prints a visitor's queue receipt.
type Printer interface {
	PrintReceipt(ctx context.Context, r printing.Receipt) error
}

// ErrPaperOut means the receipt printer has no paper: the kiosk shows the number and QR instead.
var ErrPaperOut = errors.New("receipt printer is out of paper")

// ErrNoPrinter means no printer is configured.
var ErrNoPrinter = errors.New("no receipt printer configured")

// PrinterConfig is the [devices] printer settings.
type PrinterConfig struct {
	Spec  string // cups:QUEUE | device:PATH | serial:PORT | tcp:HOST:PORT | pdf:FOLDER
	Paper int    // 80 or 58
	QR    string // native or raster
	Cut   string // full, partial or none
	Baud  int    // serial printers
	// HallPhone is the hall's telephone ([hall] phone), printed on receipts that carry none.
	HallPhone string
}

// OpenPrinter returns the printer a spec names.
func OpenPrinter(cfg PrinterConfig) (Printer, error) {
	kind, arg, ok := strings.Cut(cfg.Spec, ":")
	if cfg.Spec == "" {
		return nil, ErrNoPrinter
	}
	if !ok || arg == "" {
		return nil, fmt.Errorf("printer %q: want cups:QUEUE, device:PATH, serial:PORT, tcp:HOST:PORT or pdf:FOLDER", cfg.Spec)
	}
	paper := printing.Paper80
	if cfg.Paper == 58 {
		paper = printing.Paper58
	}
	if kind == "pdf" {
		return &PDFFolder{Dir: arg, Paper: paper, HallPhone: cfg.HallPhone}, nil
	}
	qr, err := printing.ParseQRMode(orDefault(cfg.QR, "native"))
	if err != nil {
		return nil, err
	}
	cut, err := escpos.ParseCut(orDefault(cfg.Cut, "partial"))
	if err != nil {
		return nil, err
	}
	dp := &DevicePrinter{Paper: paper, Options: printing.ESCPOSOptions{Paper: paper, QR: qr, Cut: cut}, HallPhone: cfg.HallPhone}
	switch kind {
	case "cups":
		dp.P, dp.PDF = &printer.CUPS{Queue: arg}, true
	case "device":
		dp.P = &printer.Device{Path: arg}
	case "serial":
		dp.P = &printer.Serial{Port: arg, Baud: cfg.Baud}
	case "tcp":
		dp.P = &printer.Network{Addr: arg}
	default:
		return nil, fmt.Errorf("printer %q: unknown kind %q", cfg.Spec, kind)
	}
	return dp, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// DevicePrinter prints to a printer of package devices/printer, checking its paper first.
type DevicePrinter struct {
	P       printer.Printer
	PDF     bool // send a PDF (CUPS) rather than ESC/POS
	Paper   printing.Paper
	Options printing.ESCPOSOptions
	// HallPhone is printed on receipts that carry no hall phone.
	HallPhone string
}

// PrintReceipt implements Printer.
func (d *DevicePrinter) PrintReceipt(ctx context.Context, r printing.Receipt) error {
	st, err := d.P.Status(ctx)
	if err != nil && printer.IsUnreachable(err) {
		return err
	}
	if st == printer.PaperOut {
		return ErrPaperOut
	}
	rd, err := printing.Default()
	if err != nil {
		return err
	}
	r.HallPhone = cmp.Or(r.HallPhone, d.HallPhone)
	job := printer.Job{Title: "Fengqiao receipt " + r.Ticket}
	if d.PDF {
		job.Format = printer.FormatPDF
		job.Data, err = rd.PDF(r, d.Paper)
	} else {
		job.Format = printer.FormatESCPOS
		job.Data, err = rd.ESCPOS(r, d.Options)
	}
	if err != nil {
		return err
	}
	return d.P.Print(ctx, job)
}

// PDFFolder "prints" receipts as PDF files into a folder (the demo, or a hall without a printer
// that wants a record). The file name holds the day and number only, never personal data.
type PDFFolder struct {
	Dir       string
	Paper     printing.Paper
	HallPhone string // printed on receipts that carry no hall phone
	// OutOfPaper simulates an empty roll (the demo's 模拟设备 panel).
	OutOfPaper atomic.Bool
	last       atomic.Value // string: the last file written
}

// PrintReceipt implements Printer.
func (p *PDFFolder) PrintReceipt(_ context.Context, r printing.Receipt) error {
	if p.OutOfPaper.Load() {
		return ErrPaperOut
	}
	rd, err := printing.Default()
	if err != nil {
		return err
	}
	r.HallPhone = cmp.Or(r.HallPhone, p.HallPhone)
	data, err := rd.PDF(r, p.Paper)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(p.Dir, fmt.Sprintf("receipt-%s-%s.pdf", r.Issued.Format("20060102-150405"), r.Ticket))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return err
	}
	p.last.Store(name)
	return nil
}

// Last returns the path of the last receipt written, or "".
func (p *PDFFolder) Last() string {
	s, _ := p.last.Load().(string)
	return s
}
