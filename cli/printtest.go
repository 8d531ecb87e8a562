package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/config"
	"fengqiao/devices/printer"
	"fengqiao/printing"
	"fengqiao/printing/receiptprint"
)

type printTestOptions struct {
	config string
	// Where the receipt goes: at most one; none is the configuration's devices.printer.
	to, queue, outPDF, outESCPOS, device, serial, tcp string

	// The printer settings; those left unset (zero) are the configuration's [devices] ones.
	baud   int
	format string
	paper  string
	qr     string
	cut    string

	publicURL string
	reprint   bool
	timeout   time.Duration

	// Parsed: the printer spec the target flags name ("" for a file or for devices.printer).
	spec string
	// now is the sample receipt's issue time; time.Now if nil (tests fix it).
	now func() time.Time
}

func newPrintTestCmd(e *env) *cobra.Command {
	var o printTestOptions
	cmd := &cobra.Command{
		Use:   "print-test [--to SPEC | --printer NAME | --device PATH | --serial PORT | --tcp HOST:PORT | --out FILE.pdf | --escpos FILE.bin]",
		Short: "print or write a sample queue receipt",
		Long: "Print a sample queue receipt (made up: no real person or case), or write it to a file, to\n" +
			"check a printer, its paper width, QR mode and cutter. It prints the way the kiosk does, with\n" +
			"the [devices] settings of the configuration unless a flag overrides one: the format the\n" +
			"printer takes, the paper checked first, the job confirmed by the printer. Without a target\n" +
			"it prints to the configuration's devices.printer.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return e.run(cmd, &o, func(ctx context.Context) error { return runPrintTest(ctx, e.Streams, o) })
		},
	}
	fs := cmd.Flags()
	addConfigFlag(fs, &o.config, defaultConfig())
	fs.StringVar(&o.to, "to", "", "print to the printer `SPEC` as devices.printer names it: cups:QUEUE, device:PATH, serial:PORT, tcp:HOST:PORT or pdf:FOLDER")
	fs.StringVar(&o.queue, "printer", "", "print to the CUPS queue `NAME` (same as --to cups:NAME)")
	fs.StringVar(&o.device, "device", "", "print ESC/POS to the raw device `PATH`, e.g. /dev/fengqiao-printer")
	fs.StringVar(&o.serial, "serial", "", "print ESC/POS to the serial `PORT`, e.g. /dev/ttyUSB0")
	fs.StringVar(&o.tcp, "tcp", "", "print ESC/POS to the network printer `HOST:PORT`, e.g. 192.168.1.50:9100")
	fs.StringVar(&o.outPDF, "out", "", "write the PDF receipt to `FILE.pdf`")
	fs.StringVar(&o.outESCPOS, "escpos", "", "write the ESC/POS receipt to `FILE.bin`")
	fs.IntVar(&o.baud, "baud", 0, "serial baud rate (default: devices.printer_baud, 9600)")
	fs.StringVar(&o.format, "format", "", "what a CUPS queue takes: pdf, or escpos for a raw queue (default: devices.printer_format, pdf)")
	fs.StringVar(&o.paper, "paper", "", "paper width in mm: 80 or 58 (default: devices.paper, 80)")
	fs.StringVar(&o.qr, "qr", "", "ESC/POS QR code: native (GS ( k) or raster (GS v 0) (default: devices.qr, native)")
	fs.StringVar(&o.cut, "cut", "", "ESC/POS cut: full, partial or none (default: devices.cut, partial)")
	fs.StringVar(&o.publicURL, "public-url", "https://zz.example.gov.cn", "the centre's public base `URL` for the tracking QR code")
	fs.BoolVar(&o.reprint, "reprint", false, "mark the receipt 补打 (reprint)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up printing after this long")
	return cmd
}

// check refuses a command line with more than one target, or with a paper, QR, cut, baud or
// format it does not know.
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
	if targets > 1 {
		return errors.New("give at most one of --to, --printer, --device, --serial, --tcp, --out, --escpos")
	}
	d, err := o.devices(config.Default().Devices)
	if err != nil {
		return err
	}
	if o.spec != "" {
		_, _, err = d.ReceiptPrinter(o.spec)
	}
	return err
}

// devices returns the [devices] settings d with the flags' settings put over them, checked.
func (o *printTestOptions) devices(d config.Devices) (config.Devices, error) {
	if o.baud != 0 {
		d.PrinterBaud = o.baud
	}
	if o.format != "" {
		d.PrinterFormat = o.format
	}
	if o.paper != "" {
		paper, err := printing.ParsePaper(o.paper)
		if err != nil {
			return d, err
		}
		d.Paper = int(paper)
	}
	if o.qr != "" {
		d.QR = o.qr
	}
	if o.cut != "" {
		d.Cut = o.cut
	}
	if err := d.PrinterSettings().Validate(); err != nil {
		return d, err
	}
	_, err := d.ReceiptOptions()
	return d, err
}

// sampleReceipt is a made-up receipt: no real person or case.
func sampleReceipt(publicURL string, reprint bool, issued time.Time) printing.Receipt {
	return printing.Receipt{
		Hall:       "枫桥镇综治中心",
		Service:    "矛盾纠纷调解",
		Ticket:     "A003",
		Ahead:      2,
		Issued:     issued,
		WaitAt:     "请在大厅等候叫号",
		MaskedName: "张*丰",
		CaseCode:   "7KQ2-M9XP-4HVT-W3RA",
		PublicURL:  publicURL,
		HallPhone:  "0575-87012345",
		Reprint:    reprint,
	}
}

func runPrintTest(ctx context.Context, s Streams, o printTestOptions) error {
	cfg, err := config.Load(o.config)
	if err != nil {
		fmt.Fprintf(s.Err, "fengqiao print-test: %v (using the default settings)\n", err)
		cfg = config.Default()
	}
	d, err := o.devices(cfg.Devices)
	if err != nil {
		return err
	}
	render, err := d.ReceiptOptions()
	if err != nil {
		return err
	}
	now := time.Now
	if o.now != nil {
		now = o.now
	}
	r := sampleReceipt(o.publicURL, o.reprint, now())
	switch {
	case o.outPDF != "":
		return renderTo(s.Out, o.outPDF, r, printer.FormatPDF, render)
	case o.outESCPOS != "":
		return renderTo(s.Out, o.outESCPOS, r, printer.FormatESCPOS, render)
	}
	spec := o.spec
	if spec == "" {
		if spec = d.Printer; spec == "" {
			return errors.New("no printer: give one of --to, --printer, --device, --serial, --tcp, --out, --escpos, or set devices.printer in the configuration")
		}
	}
	p, render, err := d.ReceiptPrinter(spec)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	st, err := receiptprint.Print(ctx, p, r, render)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "printed the sample receipt to %s (%s); paper: %s (%s)\n", spec, printer.Accepts(p), st, st.Message())
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
