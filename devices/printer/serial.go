package printer

import (
	"context"
	"fmt"
	"time"

	"fengqiao/devices/serialport"
)

// DefaultBaud is a serial receipt printer's usual line speed.
const DefaultBaud = 9600

// Serial is a receipt printer on a serial port (RS-232 or a USB adapter). It takes ESC/POS
// jobs. The port is opened for exclusive use (serialport.ErrInUse when another process has it).
type Serial struct {
	Port  string        // e.g. /dev/ttyUSB0 or COM3
	Baud  int           // one of serialport.Rates; DefaultBaud if zero
	Stall time.Duration // DefaultStall if zero
}

func (s *Serial) baud() int {
	if s.Baud == 0 {
		return DefaultBaud
	}
	return s.Baud
}

func (s *Serial) open(ctx context.Context) (*session, error) {
	p, err := serialport.Open(s.Port, serialport.Config{Baud: s.baud()})
	if err != nil {
		return nil, err
	}
	return newSession(ctx, p, s.Port, s.Stall), nil
}

// WireTime is how long n bytes take on an 8N1 line at baud (10 bits a byte).
func WireTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// Print writes an ESC/POS job to the port and confirms it; see PrintConfirmed.
func (s *Serial) Print(ctx context.Context, job Job) error {
	_, err := s.PrintConfirmed(ctx, job)
	return err
}

// PrintConfirmed writes an ESC/POS job, which must go out within its wire time at the port's
// baud rate plus the stall time, waits for the printer to confirm it has printed it, and
// returns the paper status then.
func (s *Serial) PrintConfirmed(ctx context.Context, job Job) (PaperStatus, error) {
	if job.Format != FormatESCPOS {
		return PaperUnknown, fmt.Errorf("print to %s: %w: %s", s.Port, ErrFormat, job.Format)
	}
	ss, err := s.open(ctx)
	if err != nil {
		return PaperUnknown, classify(s.Port, "print", err)
	}
	defer ss.close()
	st, err := ss.printJob(job, WireTime(len(job.Data), s.baud()))
	return st, classify(s.Port, "print", err)
}

// Status asks the printer for its paper status with DLE EOT 4.
func (s *Serial) Status(ctx context.Context) (PaperStatus, error) {
	ss, err := s.open(ctx)
	if err != nil {
		return PaperUnknown, classify(s.Port, "paper status", err)
	}
	defer ss.close()
	st, err := ss.status()
	return st, classify(s.Port, "paper status", err)
}
