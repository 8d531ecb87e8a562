package printer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tarm/serial"
)

// Serial is a receipt printer on a serial port (RS-232 or a USB adapter). It takes ESC/POS jobs.
type Serial struct {
	Port string // e.g. /dev/ttyUSB0 or COM3
	Baud int    // e.g. 9600, 19200, 115200; 9600 if zero
}

// serialPoll is the port's read time-out; status queries poll until the context ends.
const serialPoll = 100 * time.Millisecond

func (s *Serial) open() (*serial.Port, error) {
	baud := s.Baud
	if baud == 0 {
		baud = 9600
	}
	return serial.OpenPort(&serial.Config{Name: s.Port, Baud: baud, ReadTimeout: serialPoll})
}

// closeOnDone closes the port when ctx ends, which ends a blocked write; the port has no
// deadlines. Call stop when the I/O is done.
func closeOnDone(ctx context.Context, p *serial.Port) (stop func()) {
	after := context.AfterFunc(ctx, func() { p.Close() })
	return func() { after() }
}

// Print writes an ESC/POS job to the port.
func (s *Serial) Print(ctx context.Context, job Job) error {
	if job.Format != FormatESCPOS {
		return fmt.Errorf("print to %s: %w: %s", s.Port, ErrFormat, job.Format)
	}
	p, err := s.open()
	if err != nil {
		return classify(s.Port, "print", err)
	}
	defer p.Close()
	stop := closeOnDone(ctx, p)
	defer stop()
	err = writeAll(ctx, p, job.Data)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return classify(s.Port, "print", err)
}

// Status asks the printer for its paper status with DLE EOT 4.
func (s *Serial) Status(ctx context.Context) (PaperStatus, error) {
	ctx, cancel := statusContext(ctx)
	defer cancel()
	p, err := s.open()
	if err != nil {
		return PaperUnknown, classify(s.Port, "paper status", err)
	}
	defer p.Close()
	stop := closeOnDone(ctx, p)
	defer stop()
	st, err := queryStatus(ctx, p)
	return st, classify(s.Port, "paper status", err)
}
