// Package printer sends print jobs to the kiosk's receipt printer and asks it about its paper:
// a CUPS queue (lp), a raw device file (/dev/usb/lp0), a serial port, or a network printer on
// TCP port 9100. Paper status comes from the ESC/POS real-time status command DLE EOT 4.
//
// Every I/O call takes a context; its deadline or cancellation ends the call. Every step with a
// raw printer — connect, status, each write, completion — must also make progress within the
// printer's stall time (DefaultStall, 3 s), and a job must be sent within its wire time plus the
// stall time; otherwise it fails with ErrStalled. After each raw job the printer is asked GS r 1,
// which it answers once it has printed everything, and then DLE EOT 4, so a job counts as
// printed only when the printer confirms it with paper left. A printer that is unplugged,
// switched off, stalled or that dropped the connection fails with an *UnreachableError.
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

// Confirmer is a Printer that confirms each job: the raw ESC/POS printers (Device, Serial,
// Network).
type Confirmer interface {
	Printer
	// PrintConfirmed sends the job, waits until the printer has printed it and returns the paper
	// status then: PaperNearEnd is a success the hall staff should hear about.
	PrintConfirmed(ctx context.Context, job Job) (PaperStatus, error)
}

// PrintJob prints job on p and returns the paper status after it: the confirmed status where p
// is a Confirmer, PaperUnknown otherwise (CUPS).
func PrintJob(ctx context.Context, p Printer, job Job) (PaperStatus, error) {
	if c, ok := p.(Confirmer); ok {
		return c.PrintConfirmed(ctx, job)
	}
	return PaperUnknown, p.Print(ctx, job)
}

// ErrFormat is wrapped by the error of a job the printer cannot take, such as a PDF for a raw
// ESC/POS port.
var ErrFormat = errors.New("unsupported job format")

// ErrStalled is wrapped by the error of a printer that made no progress within its stall time,
// or whose job took longer than its wire time plus the stall time.
var ErrStalled = errors.New("printer stalled")

// ErrDropped is wrapped by the error of a printer that closed or reset the connection (or hung
// up its line) before confirming the job.
var ErrDropped = errors.New("printer dropped the connection")

// ErrPaperOut is wrapped by the error of a job after which the printer reports no paper: the
// receipt was cut short or not printed.
var ErrPaperOut = errors.New("printer out of paper")

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

// DefaultStall is how long a printer may make no progress — accept no bytes, send no reply —
// before it has failed: ErrStalled.
const DefaultStall = 3 * time.Second

func orStall(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultStall
	}
	return d
}

// Round returns d rounded for people: whole seconds from one second up (3s, not
// 1.201475694s), milliseconds below.
func Round(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
