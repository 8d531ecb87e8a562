package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// deadliner is a connection or file whose blocked I/O a deadline can end.
type deadliner interface {
	SetDeadline(t time.Time) error
}

// guard makes the end of ctx interrupt blocked I/O on c: it sets c's deadline to ctx's, and to
// now when ctx is cancelled. Where c takes no deadlines (a device file the runtime cannot poll),
// cancellation closes it instead. Call stop when the I/O is done.
func guard(ctx context.Context, c deadliner, closer io.Closer) (stop func()) {
	pollable := true
	if d, ok := ctx.Deadline(); ok {
		pollable = c.SetDeadline(d) == nil
	}
	after := context.AfterFunc(ctx, func() {
		if !pollable || c.SetDeadline(time.Now()) != nil {
			closer.Close()
		}
	})
	return func() { after() }
}

// writeAll writes data in chunks, so that a cancelled context ends a long job between chunks
// even on files without deadlines.
func writeAll(ctx context.Context, w io.Writer, data []byte) error {
	const chunk = 4096
	for len(data) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := w.Write(data[:min(chunk, len(data))])
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w (%w)", ctx.Err(), err)
			}
			return err
		}
		data = data[n:]
	}
	return nil
}

// unreachable reports whether err means the printer is gone rather than the job being bad: a
// missing or unplugged device, a refused or timed-out connection, a hang-up.
func unreachable(err error) bool {
	for _, target := range []error{
		os.ErrNotExist, os.ErrDeadlineExceeded, context.DeadlineExceeded, ErrNoReply,
		syscall.ENODEV, syscall.ENXIO, syscall.EIO, syscall.ECONNREFUSED, syscall.EHOSTUNREACH,
		syscall.ENETUNREACH, syscall.ECONNRESET, syscall.EPIPE, syscall.ETIMEDOUT,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// classify wraps err for printer addr: unreachable causes become an *UnreachableError.
func classify(addr, op string, err error) error {
	if err == nil {
		return nil
	}
	if unreachable(err) {
		return fmt.Errorf("%s: %w", op, &UnreachableError{Printer: addr, Err: err})
	}
	return fmt.Errorf("%s on printer %s: %w", op, addr, err)
}
