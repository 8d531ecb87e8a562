// Package scannersim simulates a serial QR scanner on a pseudo-terminal, for tests and the demo:
// Scan sends a code followed by a carriage return, as a real scanner in serial mode does.
package scannersim

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"fengqiao/devices/ptyline"
)

// Options configures a Simulator.
type Options struct {
	// Link, if set, is a symlink kept pointing at the current pty (like /dev/fengqiao-scanner).
	Link string
	// Ending is sent after each code; "\r" if empty.
	Ending string
}

// Simulator is a simulated scanner. Its methods are safe for concurrent use.
type Simulator struct {
	opts Options

	mu     sync.Mutex
	master *os.File
	slave  *os.File
	closed bool
}

// New starts a simulator on a fresh pty.
func New(opts Options) (*Simulator, error) {
	if opts.Ending == "" {
		opts.Ending = "\r"
	}
	s := &Simulator{opts: opts}
	if err := s.Replug(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns what the host opens: the link if configured, else the pty device.
func (s *Simulator) Path() string {
	if s.opts.Link != "" {
		return s.opts.Link
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slave == nil {
		return ""
	}
	return s.slave.Name()
}

// Scan sends one code as the scanner would after decoding it.
func (s *Simulator) Scan(code string) error {
	return s.Send([]byte(code + s.opts.Ending))
}

// Send writes raw bytes to the host.
func (s *Simulator) Send(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.master == nil {
		return errors.New("scannersim: unplugged")
	}
	_, err := s.master.Write(b)
	return err
}

// Unplug closes the pty and removes the link, as pulling the USB cable would.
func (s *Simulator) Unplug() error {
	s.mu.Lock()
	m, sl := s.master, s.slave
	s.master, s.slave = nil, nil
	s.mu.Unlock()
	if m == nil {
		return nil
	}
	if s.opts.Link != "" {
		os.Remove(s.opts.Link)
	}
	return errors.Join(m.Close(), sl.Close())
}

// Replug opens a new pty and points the link at it.
func (s *Simulator) Replug() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("scannersim: closed")
	}
	if s.master != nil {
		return nil
	}
	master, slave, err := ptyline.Open(s.opts.Link)
	if err != nil {
		return fmt.Errorf("scannersim: %w", err)
	}
	s.master, s.slave = master, slave
	return nil
}

// Close unplugs the simulator for good.
func (s *Simulator) Close() error {
	err := s.Unplug()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return err
}
