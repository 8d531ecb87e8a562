package printer

import (
	"context"
	"fmt"
	"time"

	"fengqiao/devices/serialport"
)

// Device is a receipt printer behind a raw device file, such as /dev/usb/lp0 (the usblp
// driver). It takes ESC/POS jobs. The device is opened non-blocking for exclusive use
// (serialport.ErrInUse when another process has it) and must be bidirectional, as usblp is, for
// status and confirmation.
type Device struct {
	Path  string
	Stall time.Duration // DefaultStall if zero
}

func (d *Device) open(ctx context.Context) (*session, error) {
	p, err := serialport.OpenDevice(d.Path)
	if err != nil {
		return nil, err
	}
	return newSession(ctx, p, d.Path, d.Stall), nil
}

// Print writes an ESC/POS job to the device and confirms it; see PrintConfirmed.
func (d *Device) Print(ctx context.Context, job Job) error {
	_, err := d.PrintConfirmed(ctx, job)
	return err
}

// PrintConfirmed writes an ESC/POS job, waits for the printer to confirm it has printed it, and
// returns the paper status then.
func (d *Device) PrintConfirmed(ctx context.Context, job Job) (PaperStatus, error) {
	if job.Format != FormatESCPOS {
		return PaperUnknown, fmt.Errorf("print to %s: %w: %s", d.Path, ErrFormat, job.Format)
	}
	s, err := d.open(ctx)
	if err != nil {
		return PaperUnknown, classify(d.Path, "print", err)
	}
	defer s.close()
	st, err := s.printJob(job, 0)
	return st, classify(d.Path, "print", err)
}

// Status asks the printer for its paper status with DLE EOT 4.
func (d *Device) Status(ctx context.Context) (PaperStatus, error) {
	s, err := d.open(ctx)
	if err != nil {
		return PaperUnknown, classify(d.Path, "paper status", err)
	}
	defer s.close()
	st, err := s.status()
	return st, classify(d.Path, "paper status", err)
}
