// Package printer sends print jobs to the kiosk's receipt printer and asks it about its paper:
// a CUPS queue (lp), a raw device file (/dev/usb/lp0), a serial port, or a network printer on
// TCP port 9100. Paper status comes from the ESC/POS real-time status command DLE EOT 4.
//
// Every I/O call takes a context; its deadline or cancellation ends the call. A printer that is
// unplugged, switched off or unreachable fails with an *UnreachableError.
package printer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Format is the kind of data a Job holds.
type Format int

// Job formats.
const (
	FormatESCPOS Format = iota // ESC/POS commands for a raw receipt printer
	FormatPDF                  // a PDF document, for a CUPS queue
)

// String returns "escpos" or "pdf".
func (f Format) String() string {
	if f == FormatPDF {
		return "pdf"
	}
	return "escpos"
}

// Job is one document to print.
type Job struct {
	Title  string // shown in the CUPS queue; keep personal data out of it
	Format Format
	Data   []byte
}

// Printer is a receipt printer.
type Printer interface {
	// Print sends the job to the printer.
	Print(ctx context.Context, job Job) error
	// Status reports the paper status. Printers that cannot tell report PaperUnknown.
	Status(ctx context.Context) (PaperStatus, error)
}

// ErrFormat is wrapped by the error of a job the printer cannot take, such as a PDF for a raw
// ESC/POS port.
var ErrFormat = errors.New("unsupported job format")

// ErrNoReply is wrapped by the UnreachableError of a printer that did not answer a status
// request in time.
var ErrNoReply = errors.New("no reply from printer")

// UnreachableError reports a printer that cannot be reached: unplugged, switched off, its
// device or queue missing, or its network address not answering.
type UnreachableError struct {
	Printer string // the printer's address, e.g. /dev/usb/lp0, 192.168.1.50:9100, cups:KIOSK
	Err     error  // the underlying error
}

// Error returns a message naming the printer and the cause.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("printer %s unreachable: %v", e.Printer, e.Err)
}

// Unwrap returns the underlying error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// IsUnreachable reports whether err is or wraps an *UnreachableError.
func IsUnreachable(err error) bool {
	var u *UnreachableError
	return errors.As(err, &u)
}

// DefaultStatusTimeout bounds a status query whose context has no deadline.
const DefaultStatusTimeout = 2 * time.Second

// statusContext applies DefaultStatusTimeout to ctx if it has no deadline.
func statusContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, DefaultStatusTimeout)
}
