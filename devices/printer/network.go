package printer

import (
	"context"
	"fmt"
	"net"
)

// Network is a receipt printer on the network that takes raw ESC/POS on a TCP port, usually
// 9100 (JetDirect, "AppSocket").
type Network struct {
	Addr string // host:port, e.g. 192.168.1.50:9100
}

func (n *Network) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", n.Addr)
}

// Print sends an ESC/POS job over a new connection and closes it.
func (n *Network) Print(ctx context.Context, job Job) error {
	if job.Format != FormatESCPOS {
		return fmt.Errorf("print to %s: %w: %s", n.Addr, ErrFormat, job.Format)
	}
	c, err := n.dial(ctx)
	if err != nil {
		return classify(n.Addr, "print", err)
	}
	defer c.Close()
	stop := guard(ctx, c, c)
	defer stop()
	if err := writeAll(ctx, c, job.Data); err != nil {
		return classify(n.Addr, "print", err)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		// Half-close so that the printer sees the end of the job before the connection goes.
		if err := tc.CloseWrite(); err != nil {
			return classify(n.Addr, "print", err)
		}
	}
	return nil
}

// Status asks the printer for its paper status with DLE EOT 4 over a new connection.
func (n *Network) Status(ctx context.Context) (PaperStatus, error) {
	ctx, cancel := statusContext(ctx)
	defer cancel()
	c, err := n.dial(ctx)
	if err != nil {
		return PaperUnknown, classify(n.Addr, "paper status", err)
	}
	defer c.Close()
	stop := guard(ctx, c, c)
	defer stop()
	s, err := queryStatus(ctx, c)
	return s, classify(n.Addr, "paper status", err)
}
