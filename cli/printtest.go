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
	"fengqiao/printing/receiptprint"
)

type printTestOptions struct {
	// Where the receipt goes: exactly one.
	to, queue, outPDF, outESCPOS, device, serial, tcp string

	baud      int
	format    string
	paper     string
	qr        string
	cut       string
	publicURL string
	reprint   bool
	timeout   time.Duration

	// Parsed: the printer spec the target flags name ("" for a file), the printer settings and
	// how the receipt is rendered.
	spec     string
	settings printer.Settings
	render   receiptprint.Options
}

func newPrintTestCmd(e *env) *cobra.Command {
	var o printTestOptions
	cmd := &cobra.Command{
		Use:   "print-test (--to SPEC | --printer NAME | --device PATH | --serial PORT | --tcp HOST:PORT | --out FILE.pdf | --escpos FILE.bin)",
		Short: "print or write a sample queue receipt",
		Long: "Print a sample queue receipt (made up: no real person or case), or write it to a file, to\n" +
			"check a printer, its paper width, QR mode and cutter. It prints the way the kiosk does: the\n" +
			"format the printer takes, the paper checked first, the job confirmed by the printer.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runPrintTest(ctx, e.Streams, o) })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.to, "to", "", "print to the printer `SPEC` as devices.printer names it: cups:QUEUE, device:PATH, serial:PORT, tcp:HOST:PORT or pdf:FOLDER")
	fs.StringVar(&o.queue, "printer", "", "print to the CUPS queue `NAME` (same as --to cups:NAME)")
	fs.StringVar(&o.device, "device", "", "print ESC/POS to the raw device `PATH`, e.g. /dev/fengqiao-printer")
	fs.StringVar(&o.serial, "serial", "", "print ESC/POS to the serial `PORT`, e.g. /dev/ttyUSB0")
	fs.StringVar(&o.tcp, "tcp", "", "print ESC/POS to the network printer `HOST:PORT`, e.g. 192.168.1.50:9100")
	fs.StringVar(&o.outPDF, "out", "", "write the PDF receipt to `FILE.pdf`")
	fs.StringVar(&o.outESCPOS, "escpos", "", "write the ESC/POS receipt to `FILE.bin`")
	fs.IntVar(&o.baud, "baud", printer.DefaultBaud, "serial baud rate")
	fs.StringVar(&o.format, "format", "pdf", "what a CUPS queue takes: pdf, or escpos for a raw queue")
	fs.StringVar(&o.paper, "paper", "80", "paper width in mm: 80 or 58")
	fs.StringVar(&o.qr, "qr", "native", "ESC/POS QR code: native (GS ( k) or raster (GS v 0)")
	fs.StringVar(&o.cut, "cut", "full", "ESC/POS cut: full, partial or none")
	fs.StringVar(&o.publicURL, "public-url", "https://zz.example.gov.cn", "the centre's public base `URL` for the tracking QR code")
	fs.BoolVar(&o.reprint, "reprint", false, "mark the receipt 补打 (reprint)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up printing after this long")
	return cmd
}

// check refuses a command line without exactly one target, or with a paper, QR, cut, baud or
// format it does not know, and parses those.
func (o *printTestOptions) check() error {
	targets := 0
	for _, t := range []struct {
		value, spec string // the flag's value, and the printer spec it names ("" for a file)
	}{
		{o.to, o.to}, {o.queue, "cups:" + o.queue}, {o.device, "device:" + o.device}, {o.serial, "serial:" + o.serial},
		{o.tcp, "tcp:" + o.tcp}, {o.outPDF, ""}, {o.outESCPOS, ""},
	} {
		if t.value != "" {
			targets++
			o.spec = t.spec
		}
	}
	if targets != 1 {
		return errors.New("give exactly one of --to, --printer, --device, --serial, --tcp, --out, --escpos")
	}
	paper, err := printing.ParsePaper(o.paper)
	if err != nil {
		return err
	}
	if o.render, err = receiptprint.ParseOptions(int(paper), o.qr, o.cut); err != nil {
		return err
	}
	o.settings = printer.Settings{Baud: o.baud, Format: o.format}
	if err := o.settings.Validate(); err != nil {
		return err
	}
	if o.spec != "" {
		_, err = printer.Open(o.spec, o.settings)
	}
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
		HallPhone:  "0575-87012345",
		Reprint:    reprint,
	}
}

func runPrintTest(ctx context.Context, s Streams, o printTestOptions) error {
	r := sampleReceipt(o.publicURL, o.reprint)
	switch {
	case o.outPDF != "":
		return renderTo(s.Out, o.outPDF, r, printer.FormatPDF, o.render)
	case o.outESCPOS != "":
		return renderTo(s.Out, o.outESCPOS, r, printer.FormatESCPOS, o.render)
	}
	p, err := printer.Open(o.spec, o.settings)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	st, err := receiptprint.Print(ctx, p, r, o.render)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "printed the sample receipt to %s (%s); paper: %s (%s)\n", o.spec, printer.Accepts(p), st, st.Message())
	if f, ok := p.(*printer.Folder); ok {
		fmt.Fprintf(s.Out, "wrote %s\n", f.Last())
	}
	return nil
}

// renderTo writes r in format f to the file path.
func renderTo(stdout io.Writer, path string, r printing.Receipt, f printer.Format, o receiptprint.Options) error {
	job, err := receiptprint.Render(r, f, o, receiptprint.Title(r))
	if err != nil {
		return err
	}
	return writeOutput(stdout, path, job.Data)
}

func writeOutput(stdout io.Writer, path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("print test: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", path, len(data))
	return nil
}
