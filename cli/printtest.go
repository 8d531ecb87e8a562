package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
)

type printTestOptions struct {
	// Where the receipt goes: exactly one.
	queue, outPDF, outESCPOS, device, serial, tcp string

	baud      int
	paper     string
	qr        string
	cut       string
	publicURL string
	reprint   bool
	timeout   time.Duration

	// Parsed from paper, qr and cut.
	paperWidth printing.Paper
	qrMode     printing.QRMode
	cutMode    escpos.Cut
}

func newPrintTestCmd(e *env) *cobra.Command {
	var o printTestOptions
	cmd := &cobra.Command{
		Use:   "print-test (--printer NAME | --out FILE.pdf | --escpos FILE.bin | --device PATH | --serial PORT | --tcp HOST:PORT)",
		Short: "print or write a sample queue receipt",
		Long: "Print a sample queue receipt (made up: no real person or case), or write it to a file, to\n" +
			"check a printer, its paper width, QR mode and cutter.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runPrintTest(ctx, e.Streams, o) })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.queue, "printer", "", "CUPS queue `NAME` to print the PDF receipt to (lp -d NAME)")
	fs.StringVar(&o.outPDF, "out", "", "write the PDF receipt to `FILE.pdf`")
	fs.StringVar(&o.outESCPOS, "escpos", "", "write the ESC/POS receipt to `FILE.bin`")
	fs.StringVar(&o.device, "device", "", "print ESC/POS to the raw device `PATH`, e.g. /dev/usb/lp0")
	fs.StringVar(&o.serial, "serial", "", "print ESC/POS to the serial `PORT`, e.g. /dev/ttyUSB0")
	fs.IntVar(&o.baud, "baud", 9600, "serial baud rate")
	fs.StringVar(&o.tcp, "tcp", "", "print ESC/POS to the network printer `HOST:PORT`, e.g. 192.168.1.50:9100")
	fs.StringVar(&o.paper, "paper", "80", "paper width in mm: 80 or 58")
	fs.StringVar(&o.qr, "qr", "native", "ESC/POS QR code: native (GS ( k) or raster (GS v 0)")
	fs.StringVar(&o.cut, "cut", "full", "ESC/POS cut: full, partial or none")
	fs.StringVar(&o.publicURL, "public-url", "https://zz.example.gov.cn", "the centre's public base `URL` for the tracking QR code")
	fs.BoolVar(&o.reprint, "reprint", false, "mark the receipt 补打 (reprint)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up printing after this long")
	return cmd
}

// check refuses a command line without exactly one target, or with a paper, QR or cut it does not
// know, and parses those.
func (o *printTestOptions) check() error {
	targets := 0
	for _, t := range []string{o.queue, o.outPDF, o.outESCPOS, o.device, o.serial, o.tcp} {
		if t != "" {
			targets++
		}
	}
	if targets != 1 {
		return errors.New("give exactly one of --printer, --out, --escpos, --device, --serial, --tcp")
	}
	var err error
	if o.paperWidth, err = printing.ParsePaper(o.paper); err != nil {
		return err
	}
	if o.qrMode, err = printing.ParseQRMode(o.qr); err != nil {
		return err
	}
	o.cutMode, err = escpos.ParseCut(o.cut)
	return err
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

func runPrintTest(ctx context.Context, s Streams, o printTestOptions) error {
	rd, err := printing.Default()
	if err != nil {
		return err
	}
	r := sampleReceipt(o.publicURL, o.reprint)
	if o.queue != "" || o.outPDF != "" {
		pdf, err := rd.PDF(r, o.paperWidth)
		if err != nil {
			return err
		}
		if o.outPDF != "" {
			return writeOutput(s.Out, o.outPDF, pdf)
		}
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		return printAndReport(ctx, s, &printer.CUPS{Queue: o.queue}, printer.Job{Title: "Fengqiao print test", Format: printer.FormatPDF, Data: pdf})
	}

	data, err := rd.ESCPOS(r, printing.ESCPOSOptions{Paper: o.paperWidth, QR: o.qrMode, Cut: o.cutMode})
	if err != nil {
		return err
	}
	if o.outESCPOS != "" {
		return writeOutput(s.Out, o.outESCPOS, data)
	}
	var p printer.Printer
	switch {
	case o.device != "":
		p = &printer.Device{Path: o.device}
	case o.serial != "":
		p = &printer.Serial{Port: o.serial, Baud: o.baud}
	default:
		p = &printer.Network{Addr: o.tcp}
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	return printAndReport(ctx, s, p, printer.Job{Title: "Fengqiao print test", Format: printer.FormatESCPOS, Data: data})
}

// printAndReport checks the paper, prints the job and says what happened.
func printAndReport(ctx context.Context, s Streams, p printer.Printer, job printer.Job) error {
	st, err := p.Status(ctx)
	switch {
	case err != nil && printer.IsUnreachable(err):
		return err
	case err != nil:
		fmt.Fprintf(s.Err, "paper status: %v\n", err)
	case st == printer.PaperOut:
		return fmt.Errorf("print test: %s", st.Message())
	default:
		fmt.Fprintf(s.Out, "paper: %s (%s)\n", st, st.Message())
	}
	if err := p.Print(ctx, job); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "printed %d bytes (%s)\n", len(job.Data), job.Format)
	return nil
}

func writeOutput(stdout io.Writer, path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("print test: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", path, len(data))
	return nil
}
