package printer

import (
	"fmt"
	"strings"
	"time"

	"fengqiao/devices/serialport"
)

// Settings are the printer settings of the configuration besides its address.
type Settings struct {
	Baud   int           // serial printers; DefaultBaud if zero
	Format string        // cups printers: "pdf" (default) or "escpos" for a raw queue
	Stall  time.Duration // DefaultStall if zero
}

// Validate checks the settings: a standard baud rate, a known format, a stall time not
// negative.
func (s Settings) Validate() error {
	if s.Baud != 0 && !serialport.ValidBaud(s.Baud) {
		return fmt.Errorf("baud %d is not a standard rate (%v)", s.Baud, serialport.Rates)
	}
	if _, err := ParseFormat(s.Format); err != nil {
		return err
	}
	if s.Stall < 0 {
		return fmt.Errorf("stall timeout %v is negative", s.Stall)
	}
	return nil
}

// ParseFormat reads "pdf" or "escpos"; "" is pdf, what CUPS queues with a driver take.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "pdf":
		return FormatPDF, nil
	case "escpos":
		return FormatESCPOS, nil
	}
	return 0, fmt.Errorf("printer format %q: want pdf or escpos", s)
}

// Open returns the printer a spec names — cups:QUEUE, device:PATH, serial:PORT,
// tcp:HOST:PORT or pdf:FOLDER — set up with s. It opens nothing yet.
func Open(spec string, s Settings) (Printer, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("printer %q: %w", spec, err)
	}
	kind, arg, ok := strings.Cut(spec, ":")
	if !ok || arg == "" {
		return nil, fmt.Errorf("printer %q: want cups:QUEUE, device:PATH, serial:PORT, tcp:HOST:PORT or pdf:FOLDER", spec)
	}
	switch kind {
	case "cups":
		f, _ := ParseFormat(s.Format)
		return &CUPS{Queue: arg, Format: f, Stall: s.Stall}, nil
	case "device":
		return &Device{Path: arg, Stall: s.Stall}, nil
	case "serial":
		return &Serial{Port: arg, Baud: s.Baud, Stall: s.Stall}, nil
	case "tcp":
		return &Network{Addr: arg, Stall: s.Stall}, nil
	case "pdf":
		return &Folder{Dir: arg}, nil
	}
	return nil, fmt.Errorf("printer %q: unknown kind %q", spec, kind)
}

// Accepts returns the job format p takes: a CUPS queue's format, PDF for a Folder, ESC/POS for
// the raw printers.
func Accepts(p Printer) Format {
	if c, ok := p.(interface{ Accepts() Format }); ok {
		return c.Accepts()
	}
	return FormatESCPOS
}

// Port returns the serial port or device file a spec names (serial:PORT, device:PATH), which
// the printer holds exclusively while it prints, or "" for the other kinds.
func Port(spec string) string {
	kind, arg, _ := strings.Cut(spec, ":")
	if kind == "serial" || kind == "device" {
		return arg
	}
	return ""
}
