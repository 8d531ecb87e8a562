package printer

import (
	"context"
	"fmt"
	"os"
)

// Device is a receipt printer behind a raw device file, such as /dev/usb/lp0 (the usblp
// driver) or /dev/ttyS0 set up elsewhere. It takes ESC/POS jobs.
type Device struct {
	Path string
}

// Print writes an ESC/POS job to the device.
func (d *Device) Print(ctx context.Context, job Job) error {
	if job.Format != FormatESCPOS {
		return fmt.Errorf("print to %s: %w: %s", d.Path, ErrFormat, job.Format)
	}
	f, err := os.OpenFile(d.Path, os.O_WRONLY, 0)
	if err != nil {
		return classify(d.Path, "print", err)
	}
	defer f.Close()
	stop := guard(ctx, f, f)
	defer stop()
	return classify(d.Path, "print", writeAll(ctx, f, job.Data))
}

// Status asks the printer for its paper status with DLE EOT 4. The device must be
// bidirectional (usblp is); without a reply within the context's deadline (or
// DefaultStatusTimeout) the printer is taken to be unreachable.
func (d *Device) Status(ctx context.Context) (PaperStatus, error) {
	ctx, cancel := statusContext(ctx)
	defer cancel()
	f, err := os.OpenFile(d.Path, os.O_RDWR, 0)
	if err != nil {
		return PaperUnknown, classify(d.Path, "paper status", err)
	}
	defer f.Close()
	stop := guard(ctx, f, f)
	defer stop()
	s, err := queryStatus(ctx, f)
	return s, classify(d.Path, "paper status", err)
}
