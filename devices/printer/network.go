package printer

import (
	"context"
	"fmt"
	"net"
	"time"
)

// Network is a receipt printer on the network that takes raw ESC/POS on a TCP port, usually
// 9100 (JetDirect, "AppSocket").
type Network struct {
	Addr  string        // host:port, e.g. 192.168.1.50:9100
	Stall time.Duration // DefaultStall if zero
}

// open connects within the stall time.
func (n *Network) open(ctx context.Context) (*session, error) {
	stall := orStall(n.Stall)
	dctx, cancel := context.WithTimeout(ctx, stall)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(dctx, "tcp", n.Addr)
	if err != nil {
		if ctx.Err() == nil && dctx.Err() != nil {
			err = fmt.Errorf("connect: %w: no answer within %s", ErrStalled, Round(stall))
		}
		return nil, err
	}
	return newSession(ctx, c.(link), n.Addr, stall), nil
}

// Print sends an ESC/POS job and confirms it; see PrintConfirmed.
func (n *Network) Print(ctx context.Context, job Job) error {
	_, err := n.PrintConfirmed(ctx, job)
	return err
}

// PrintConfirmed sends an ESC/POS job over a new connection, waits for the printer to confirm
// it has printed it, and returns the paper status then. A printer that drops the connection
// before confirming fails with ErrDropped.
func (n *Network) PrintConfirmed(ctx context.Context, job Job) (PaperStatus, error) {
	if job.Format != FormatESCPOS {
		return PaperUnknown, fmt.Errorf("print to %s: %w: %s", n.Addr, ErrFormat, job.Format)
	}
	s, err := n.open(ctx)
	if err != nil {
		return PaperUnknown, classify(n.Addr, "print", err)
	}
	defer s.close()
	st, err := s.printJob(job, 0)
	return st, classify(n.Addr, "print", err)
}

// Status asks the printer for its paper status with DLE EOT 4 over a new connection.
func (n *Network) Status(ctx context.Context) (PaperStatus, error) {
	s, err := n.open(ctx)
	if err != nil {
		return PaperUnknown, classify(n.Addr, "paper status", err)
	}
	defer s.close()
	st, err := s.status()
	return st, classify(n.Addr, "paper status", err)
}
