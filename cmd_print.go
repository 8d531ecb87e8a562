package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
)

func init() {
	register("print-test", "print or write a sample queue receipt", runPrintTest)
}

// sampleReceipt is a made-up receipt: no real person or case.
func sampleReceipt(publicURL string, reprint bool) printing.Receipt {
	return printing.Receipt{
		Hall:       "枫桥镇综治中心",
		Service:    "矛盾纠纷调解",
		Ticket:     "A003",
		Ahead:      2,
		Issued:     time.Now(),
		WaitAt:     "请在大厅等候叫号",
		MaskedName: "张*丰",
		CaseCode:   "7KQ2-M9XP-4HVT-W3RA",
		PublicURL:  publicURL,
		Reprint:    reprint,
	}
}

func runPrintTest(ctx context.Context, args []string) error {
	fs := newFlags("print-test")
	queue := fs.String("printer", "", "CUPS queue `NAME` to print the PDF receipt to (lp -d NAME)")
	outPDF := fs.String("out", "", "write the PDF receipt to `FILE.pdf`")
	outBin := fs.String("escpos", "", "write the ESC/POS receipt to `FILE.bin`")
	device := fs.String("device", "", "print ESC/POS to the raw device `PATH`, e.g. /dev/usb/lp0")
	serialPort := fs.String("serial", "", "print ESC/POS to the serial `PORT`, e.g. /dev/ttyUSB0")
	baud := fs.Int("baud", 9600, "serial baud rate")
	tcp := fs.String("tcp", "", "print ESC/POS to the network printer `HOST:PORT`, e.g. 192.168.1.50:9100")
	paperFlag := fs.String("paper", "80", "paper width in mm: 80 or 58")
	qrFlag := fs.String("qr", "native", "ESC/POS QR code: native (GS ( k) or raster (GS v 0)")
	cutFlag := fs.String("cut", "full", "ESC/POS cut: full, partial or none")
	publicURL := fs.String("public-url", "https://zz.example.gov.cn", "the centre's public base URL for the tracking QR code")
	reprint := fs.Bool("reprint", false, "mark the receipt 补打 (reprint)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up printing after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	targets := 0
	for _, t := range []string{*queue, *outPDF, *outBin, *device, *serialPort, *tcp} {
		if t != "" {
			targets++
		}
	}
	if targets != 1 || fs.NArg() != 0 {
		fmt.Fprintln(fs.Output(), "print-test: give exactly one of --printer, --out, --escpos, --device, --serial, --tcp")
		fs.Usage()
		return errUsage
	}
	paper, err := printing.ParsePaper(*paperFlag)
	if err != nil {
		return usageError(fs.Output(), err)
	}
	qr, err := printing.ParseQRMode(*qrFlag)
	if err != nil {
		return usageError(fs.Output(), err)
	}
	cut, err := escpos.ParseCut(*cutFlag)
	if err != nil {
		return usageError(fs.Output(), err)
	}

	rd, err := printing.Default()
	if err != nil {
		return err
	}
	r := sampleReceipt(*publicURL, *reprint)
	if *queue != "" || *outPDF != "" {
		pdf, err := rd.PDF(r, paper)
		if err != nil {
			return err
		}
		if *outPDF != "" {
			return writeOutput(*outPDF, pdf)
		}
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		return printAndReport(ctx, &printer.CUPS{Queue: *queue}, printer.Job{Title: "Fengqiao print test", Format: printer.FormatPDF, Data: pdf})
	}

	data, err := rd.ESCPOS(r, printing.ESCPOSOptions{Paper: paper, QR: qr, Cut: cut})
	if err != nil {
		return err
	}
	if *outBin != "" {
		return writeOutput(*outBin, data)
	}
	var p printer.Printer
	switch {
	case *device != "":
		p = &printer.Device{Path: *device}
	case *serialPort != "":
		p = &printer.Serial{Port: *serialPort, Baud: *baud}
	default:
		p = &printer.Network{Addr: *tcp}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	return printAndReport(ctx, p, printer.Job{Title: "Fengqiao print test", Format: printer.FormatESCPOS, Data: data})
}

// printAndReport checks the paper, prints the job and says what happened.
func printAndReport(ctx context.Context, p printer.Printer, job printer.Job) error {
	st, err := p.Status(ctx)
	switch {
	case err != nil && printer.IsUnreachable(err):
		return err
	case err != nil:
		fmt.Fprintf(os.Stderr, "paper status: %v\n", err)
	case st == printer.PaperOut:
		return fmt.Errorf("print test: %s", st.Message())
	default:
		fmt.Printf("paper: %s (%s)\n", st, st.Message())
	}
	if err := p.Print(ctx, job); err != nil {
		return err
	}
	fmt.Printf("printed %d bytes (%s)\n", len(job.Data), job.Format)
	return nil
}

func writeOutput(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("print test: %w", err)
	}
	fmt.Printf("wrote %s (%d bytes)\n", path, len(data))
	return nil
}

func usageError(w io.Writer, err error) error {
	fmt.Fprintf(w, "print-test: %v\n", err)
	return errors.Join(errUsage, err)
}
