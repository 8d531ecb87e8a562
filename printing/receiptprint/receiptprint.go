// Package receiptprint is the one way a receipt reaches paper: it renders a printing.Receipt in
// the format the printer takes (printer.Accepts: a PDF for a CUPS queue with a driver or a PDF
// folder, ESC/POS for the raw printers), checks the paper first where the printer can tell, and
// prints with printer.PrintJob, returning the paper status after the job.
//
// It sits above both printing (which lays receipts out and knows no printers) and
// devices/printer (which moves bytes and knows no receipts), so neither depends on the other.
// The kiosk, the window console's reprint and `fengqiao print-test` all print through Print.
package receiptprint

import (
	"context"
	"fmt"

	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
)

// Options are how receipts are rendered: the roll width for both formats, the QR mode and the
// cut for ESC/POS.
type Options = printing.ESCPOSOptions

// ParseOptions reads the [devices] settings paper (80 or 58; 0 is 80), qr ("native" or
// "raster"; "" is native) and cut ("full", "partial" or "none"; "" is partial).
func ParseOptions(paper int, qr, cut string) (Options, error) {
	var o Options
	switch paper {
	case 0, 80:
		o.Paper = printing.Paper80
	case 58:
		o.Paper = printing.Paper58
	default:
		return o, fmt.Errorf("paper width %d: want 80 or 58", paper)
	}
	var err error
	if o.QR, err = printing.ParseQRMode(orDefault(qr, "native")); err != nil {
		return o, err
	}
	o.Cut, err = escpos.ParseCut(orDefault(cut, "partial"))
	return o, err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Render returns r as a job in format f, titled title (which shows in a CUPS queue or a PDF
// folder's file name: keep personal data out of it).
func Render(r printing.Receipt, f printer.Format, o Options, title string) (printer.Job, error) {
	rd, err := printing.Default()
	if err != nil {
		return printer.Job{}, err
	}
	job := printer.Job{Title: title, Format: f}
	if f == printer.FormatPDF {
		job.Data, err = rd.PDF(r, o.Paper)
	} else {
		job.Data, err = rd.ESCPOS(r, o)
	}
	if err != nil {
		return printer.Job{}, fmt.Errorf("render receipt %s: %w", r.Ticket, err)
	}
	return job, nil
}

// Title is a receipt's job title: "receipt A003", or "reprint A003" for a reprint. The ticket
// number is printed on the receipt and is no personal data.
func Title(r printing.Receipt) string {
	if r.Reprint {
		return "reprint " + r.Ticket
	}
	return "receipt " + r.Ticket
}

// Print renders r for p and prints it. A printer that reports its paper (a printer.Confirmer)
// is asked first, and one without paper gets nothing: it would keep the job in its buffer and
// print it once reloaded, after the receipt had been queued again. The paper status after the
// job is returned: PaperNearEnd is a success the staff should hear about; a failure wraps
// printer.ErrPaperOut, an *printer.UnreachableError and so on (printer.ScreenText says it in
// Chinese).
func Print(ctx context.Context, p printer.Printer, r printing.Receipt, o Options) (printer.PaperStatus, error) {
	if _, ok := p.(printer.Confirmer); ok {
		st, err := p.Status(ctx)
		switch {
		case err != nil:
			return st, err
		case st == printer.PaperOut:
			return st, fmt.Errorf("print receipt %s: %w", r.Ticket, printer.ErrPaperOut)
		}
	}
	job, err := Render(r, printer.Accepts(p), o, Title(r))
	if err != nil {
		return printer.PaperUnknown, err
	}
	return printer.PrintJob(ctx, p, job)
}
