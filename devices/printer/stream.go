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

// link is an open connection to a printer whose blocked reads and writes a deadline ends: a
// net.Conn, or a pollable device file or serial port.
type link interface {
	io.ReadWriteCloser
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// session runs the steps of one exchange with a printer under the stall rule: every read or
// write must make progress within stall, and the whole exchange must end by its context's
// deadline and, for a job, by the job's wire time plus stall.
type session struct {
	ctx   context.Context
	l     link
	addr  string
	stall time.Duration
	end   time.Time // the job's own limit; zero for none
	stop  func() bool
}

// newSession starts a session on l. Cancelling ctx interrupts its I/O; a link that takes no
// deadlines (a device the runtime cannot poll) is closed instead, when ctx ends or a step
// stalls. Call close when done.
func newSession(ctx context.Context, l link, addr string, stall time.Duration) *session {
	s := &session{ctx: ctx, l: l, addr: addr, stall: orStall(stall)}
	s.stop = context.AfterFunc(ctx, func() {
		if l.SetReadDeadline(time.Now()) != nil || l.SetWriteDeadline(time.Now()) != nil {
			l.Close()
		}
	})
	return s
}

func (s *session) close() error {
	s.stop()
	return s.l.Close()
}

// deadline is when the next step must have made progress.
func (s *session) deadline() time.Time {
	d := time.Now().Add(s.stall)
	if !s.end.IsZero() && s.end.Before(d) {
		d = s.end
	}
	if c, ok := s.ctx.Deadline(); ok && c.Before(d) {
		d = c
	}
	return d
}

// arm sets set's deadline for the next step; where the link takes none, a timer closes it.
func (s *session) arm(set func(time.Time) error) (disarm func()) {
	d := s.deadline()
	if set(d) == nil {
		return func() {}
	}
	t := time.AfterFunc(time.Until(d), func() { s.l.Close() })
	return func() { t.Stop() }
}

// fail turns an I/O error of step into the printer's error: the context's end, a stall, the
// job over its time, a dropped connection.
func (s *session) fail(step string, done, total int, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := s.ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", step, ctxErr)
	}
	if s.ctxDeadlinePassed() {
		return fmt.Errorf("%s: %w", step, context.DeadlineExceeded)
	}
	timedOut := errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, os.ErrClosed)
	switch {
	case timedOut && !s.end.IsZero() && !time.Now().Before(s.end):
		return fmt.Errorf("%s: %w: the job took longer than its wire time plus %s (%d of %d bytes sent)",
			step, ErrStalled, Round(s.stall), done, total)
	case timedOut:
		return fmt.Errorf("%s: %w: no progress for %s", step, ErrStalled, Round(s.stall))
	case dropped(err):
		if total > 0 {
			return fmt.Errorf("%s: %w after %d of %d bytes: %w", step, ErrDropped, done, total, err)
		}
		return fmt.Errorf("%s: %w: %w", step, ErrDropped, err)
	}
	return fmt.Errorf("%s: %w", step, err)
}

// dropped reports whether err means the other end went away: a reset, a hang-up, end of file.
func dropped(err error) bool {
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNRESET, syscall.EPIPE, syscall.EIO, syscall.ENODEV} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func (s *session) ctxDeadlinePassed() bool {
	d, ok := s.ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// send writes data in chunks, each of which must go out within the stall time.
func (s *session) send(step string, data []byte) error {
	const chunk = 4096
	total := len(data)
	for len(data) > 0 {
		disarm := s.arm(s.l.SetWriteDeadline)
		n, err := s.l.Write(data[:min(chunk, len(data))])
		disarm()
		data = data[n:]
		if err != nil {
			return s.fail(step, total-len(data), total, err)
		}
	}
	return nil
}

// ask sends request and reads one reply byte for which valid returns true, skipping others
// (stray replies to real-time commands a job's raster data happened to contain). It fails
// with ErrNoReply wrapped in ErrStalled when nothing valid arrives within the stall time.
func (s *session) ask(step string, request []byte, valid func(byte) bool) (byte, error) {
	if err := s.send(step, request); err != nil {
		return 0, err
	}
	var b [1]byte
	for {
		disarm := s.arm(s.l.SetReadDeadline)
		n, err := s.l.Read(b[:])
		disarm()
		if n == 1 && valid(b[0]) {
			return b[0], nil
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if ctxErr := s.ctx.Err(); ctxErr != nil || s.ctxDeadlinePassed() {
					return b[0], fmt.Errorf("%s: %w: %w", step, ErrNoReply, context.DeadlineExceeded)
				}
				return b[0], fmt.Errorf("%s: %w: %w within %s", step, ErrStalled, ErrNoReply, Round(s.stall))
			}
			return b[0], s.fail(step, 0, 0, err)
		}
	}
}

// status asks DLE EOT 4 and decodes the reply.
func (s *session) status() (PaperStatus, error) {
	b, err := s.ask("paper status", StatusRequest, func(byte) bool { return true })
	if err != nil {
		return PaperUnknown, err
	}
	return ParseStatus(b)
}

// confirm waits until the printer has printed everything sent (GS r 1 is answered only once its
// buffer has drained) and then asks its paper status (DLE EOT 4). Paper out after the job means
// the receipt was cut short: ErrPaperOut.
func (s *session) confirm() (PaperStatus, error) {
	if _, err := s.ask("wait for the printer to finish", DrainRequest, func(byte) bool { return true }); err != nil {
		return PaperUnknown, err
	}
	b, err := s.ask("paper status after the job", StatusRequest, func(b byte) bool { _, err := ParseStatus(b); return err == nil })
	if err != nil {
		return PaperUnknown, err
	}
	st, _ := ParseStatus(b)
	if st == PaperOut {
		return st, fmt.Errorf("after the job: %w", ErrPaperOut)
	}
	return st, nil
}

// printJob sends an ESC/POS job on s and confirms it; wire is how long the bytes take on the
// line (zero where the line is not the limit).
func (s *session) printJob(job Job, wire time.Duration) (PaperStatus, error) {
	if wire > 0 {
		s.end = time.Now().Add(wire + s.stall)
	}
	if err := s.send("send job", job.Data); err != nil {
		return PaperUnknown, err
	}
	s.end = time.Time{}
	return s.confirm()
}

// unreachable reports whether err means the printer is gone or failed rather than the job
// being bad: a missing or unplugged device, a refused or timed-out connection, a hang-up, a
// stall.
func unreachable(err error) bool {
	for _, target := range []error{
		os.ErrNotExist, os.ErrDeadlineExceeded, context.DeadlineExceeded, ErrNoReply, ErrStalled, ErrDropped,
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
