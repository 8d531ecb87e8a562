// Package scanner reads a serial QR/barcode scanner (the kiosk's receipt scanner). Such scanners,
// in their serial (virtual COM) mode, send each decoded code as plain text followed by a carriage
// return (some send CR LF or LF); the Scanner turns that byte stream into codes.
//
// A Scanner keeps its port open, reopens it with back-off when the scanner is unplugged, and
// reports its state (connected or not). Codes are never logged: a receipt's QR holds only a public
// tracking URL, but a scanner may be shown anything, including an ID card's barcode.
//
// Scanners in keyboard (HID) mode do not use this package; the kiosk catches their key events.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fengqiao/devices/serialport"
	"fengqiao/internal/backoff"
)

// DefaultBaud is the usual line speed of serial scanners.
const DefaultBaud = 9600

// MaxCode is the longest code accepted; longer lines are dropped whole.
const MaxCode = 1024

// pollTimeout is the port's read time-out, so that Close and ctx are noticed promptly.
const pollTimeout = 100 * time.Millisecond

// Config configures a Scanner.
type Config struct {
	Port   string       // serial device, preferably a stable name such as /dev/fengqiao-scanner
	Baud   int          // DefaultBaud if zero
	Logger *slog.Logger // slog.Default() if nil
	// ReopenMin and ReopenMax bound the back-off between attempts to (re)open the port;
	// 250 ms and 5 s by default.
	ReopenMin, ReopenMax time.Duration
	// Open opens the port; a tarm/serial port by default. Tests may replace it.
	Open func(port string, baud int) (io.ReadWriteCloser, error)
}

func (c Config) withDefaults() Config {
	if c.Baud <= 0 {
		c.Baud = DefaultBaud
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ReopenMin <= 0 {
		c.ReopenMin = 250 * time.Millisecond
	}
	if c.ReopenMax < c.ReopenMin {
		c.ReopenMax = max(5*time.Second, c.ReopenMin)
	}
	if c.Open == nil {
		c.Open = openSerial
	}
	return c
}

func openSerial(port string, baud int) (io.ReadWriteCloser, error) {
	p, err := serialport.Open(port, serialport.Config{Baud: baud, ReadTimeout: pollTimeout})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Event is what a Scanner reports: a code, or a change of its connection.
type Event struct {
	Code      string // the scanned text, without the line ending; empty for a state change
	Connected bool   // the state after the event
	Err       error  // why the scanner is disconnected, if it is
}

// Scanner reads codes from a serial scanner until its Run's context ends.
type Scanner struct {
	cfg Config
	log *slog.Logger
	out chan Event

	mu        sync.Mutex
	connected bool
}

// New returns a Scanner; call Run to start it and read Events.
func New(cfg Config) *Scanner {
	cfg = cfg.withDefaults()
	return &Scanner{cfg: cfg, log: cfg.Logger.With("port", cfg.Port), out: make(chan Event, 16)}
}

// Events returns the channel of codes and state changes; it is closed when Run returns.
func (s *Scanner) Events() <-chan Event { return s.out }

// Connected reports whether the port is open.
func (s *Scanner) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Run reads the scanner until ctx ends, reopening the port whenever it goes away.
func (s *Scanner) Run(ctx context.Context) error {
	defer close(s.out)
	b := backoff.Backoff{Min: s.cfg.ReopenMin, Max: s.cfg.ReopenMax}
	for ctx.Err() == nil {
		port, err := s.cfg.Open(s.cfg.Port, s.cfg.Baud)
		if err == nil {
			b.Reset()
			s.setConnected(ctx, true, nil)
			err = s.read(ctx, port)
			port.Close()
			if ctx.Err() != nil {
				break
			}
			s.log.Warn("scanner: port lost", "err", err)
			s.setConnected(ctx, false, err)
		} else {
			s.setConnected(ctx, false, err)
			s.log.Info("scanner: not available", "err", err, "retry_in", b.Wait())
		}
		t := time.NewTimer(b.Wait())
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
		if err != nil {
			b.Fail()
		}
	}
	return nil
}

func (s *Scanner) setConnected(ctx context.Context, c bool, err error) {
	s.mu.Lock()
	changed := s.connected != c
	s.connected = c
	s.mu.Unlock()
	if changed {
		s.send(ctx, Event{Connected: c, Err: err})
	}
}

func (s *Scanner) send(ctx context.Context, e Event) {
	select {
	case s.out <- e:
	case <-ctx.Done():
	}
}

// ErrHungUp means the port returned nothing at once several times in a row: a USB adapter that
// was unplugged.
var ErrHungUp = errors.New("scanner: port hung up")

// read feeds the port's bytes to a Splitter until the port fails or ctx ends.
func (s *Scanner) read(ctx context.Context, port io.ReadWriteCloser) error {
	stop := context.AfterFunc(ctx, func() { port.Close() })
	defer stop()
	var sp Splitter
	buf := make([]byte, 512)
	early := 0
	for {
		start := time.Now()
		n, err := port.Read(buf)
		if n > 0 {
			early = 0
			for _, code := range sp.Feed(buf[:n]) {
				s.log.Debug("scanner: code read", "len", len(code))
				s.send(ctx, Event{Code: code, Connected: true})
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) && n == 0:
			// tarm/serial returns (0, EOF) on its read time-out; a hung-up port does so at once.
			if time.Since(start) >= pollTimeout/2 {
				early = 0
				continue
			}
			if early++; early >= 3 {
				return ErrHungUp
			}
		case errors.Is(err, io.EOF):
		default:
			return fmt.Errorf("read: %w", err)
		}
	}
}

// Splitter cuts a scanner's byte stream into codes at CR, LF or CR LF. Empty lines are dropped,
// as are lines longer than MaxCode and lines that are not valid UTF-8. Control characters other
// than the line ends are removed (some scanners send a prefix such as STX).
type Splitter struct {
	buf      []byte
	overflow bool
}

// Feed adds bytes and returns the codes they complete.
func (sp *Splitter) Feed(p []byte) []string {
	var codes []string
	for _, b := range p {
		switch {
		case b == '\r' || b == '\n':
			if !sp.overflow && len(sp.buf) > 0 && utf8.Valid(sp.buf) {
				if code := strings.TrimSpace(string(sp.buf)); code != "" {
					codes = append(codes, code)
				}
			}
			sp.buf, sp.overflow = sp.buf[:0], false
		case b < 0x20 || b == 0x7f:
			// STX, ETX, tabs and the like: not part of a code.
		case len(sp.buf) >= MaxCode:
			sp.overflow = true
		default:
			sp.buf = append(sp.buf, b)
		}
	}
	return codes
}

// Pending returns how many bytes wait for their line end.
func (sp *Splitter) Pending() int { return len(sp.buf) }
