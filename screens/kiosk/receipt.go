package kiosk

import (
	"context"
	"errors"
	"sync/atomic"

	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/receiptprint"
	"fengqiao/printing/spool"
)

// Printer prints a visitor's queue receipt.
type Printer interface {
	PrintReceipt(ctx context.Context, r printing.Receipt) error
}

// ErrPaperOut means the receipt printer has no paper: the kiosk shows the number and QR instead.
var ErrPaperOut = errors.New("receipt printer is out of paper")

// ErrNoPrinter means no printer is configured.
var ErrNoPrinter = errors.New("no receipt printer configured")

// kioskError returns ErrPaperOut for any error of a printer without paper, which the screens
// tell apart; other errors as they are.
func kioskError(err error) error {
	if errors.Is(err, printer.ErrPaperOut) {
		return ErrPaperOut
	}
	return err
}

// DevicePrinter prints straight to a printer of package devices/printer through
// receiptprint.Print, the one print path.
type DevicePrinter struct {
	P       printer.Printer
	Options receiptprint.Options
}

// PrintReceipt implements Printer.
func (d *DevicePrinter) PrintReceipt(ctx context.Context, r printing.Receipt) error {
	_, err := receiptprint.Print(ctx, d.P, r, d.Options)
	return kioskError(err)
}

// Spooled prints through the kiosk's durable print queue: a receipt the printer cannot take now
// stays queued and prints when it can (see package printing/spool). The visitor still gets the
// error, and the number and QR code on screen.
type Spooled struct {
	Worker *spool.Worker
}

// PrintReceipt implements Printer.
func (s Spooled) PrintReceipt(ctx context.Context, r printing.Receipt) error {
	return kioskError(s.Worker.PrintReceipt(ctx, r))
}

// PDFFolder "prints" receipts as PDF files into a folder (the demo, or a hall without a printer
// that wants a record). The file name holds the time and number only, never personal data.
type PDFFolder struct {
	Dir   string
	Paper printing.Paper
	// OutOfPaper simulates an empty roll (the demo's 模拟设备 panel).
	OutOfPaper atomic.Bool
	last       atomic.Value // string: the last file written
}

// PrintReceipt implements Printer.
func (p *PDFFolder) PrintReceipt(ctx context.Context, r printing.Receipt) error {
	if p.OutOfPaper.Load() {
		return ErrPaperOut
	}
	f := &printer.Folder{Dir: p.Dir}
	if _, err := receiptprint.Print(ctx, f, r, receiptprint.Options{Paper: p.Paper}); err != nil {
		return err
	}
	p.last.Store(f.Last())
	return nil
}

// Last returns the path of the last receipt written, or "".
func (p *PDFFolder) Last() string {
	s, _ := p.last.Load().(string)
	return s
}
