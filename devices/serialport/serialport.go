// Package serialport opens the kiosk's serial devices (ID card reader, QR scanner, serial receipt
// printer) and its USB printer device files for exclusive use. Every opener in Fengqiao goes
// through Open or OpenDevice, so two processes never share a port: a second open — the doctor
// while the kiosk reads ID cards, say — fails with ErrInUse instead of stealing half the
// reader's replies.
//
// On Unix the lock is flock(LOCK_EX|LOCK_NB) on the device, which holds for root too, plus
// TIOCEXCL on terminals, which also stops programs that do not flock (cat, minicom) unless they
// run as root. Ports are non-blocking and pollable, so SetDeadline and Close end blocked I/O.
package serialport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// ErrInUse is wrapped by the error of an open that finds the device held by another process.
var ErrInUse = errors.New("in use by another process")

// Rates are the standard baud rates a port can be set to.
var Rates = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// ValidBaud reports whether baud is one of Rates.
func ValidBaud(baud int) bool { return slices.Contains(Rates, baud) }

// Config sets up a serial line: 8 data bits, no parity, one stop bit, no flow control.
type Config struct {
	Baud int // one of Rates; 9600 if zero
	// ReadTimeout, if set, makes Read return (0, io.EOF) when nothing arrived within it, as
	// github.com/tarm/serial does, so that a reading loop can notice a closed port. Zero
	// means Read waits for data or the read deadline.
	ReadTimeout time.Duration
}

// Port is an open serial line or device file. Its deadlines end blocked reads and writes.
type Port struct {
	f           file
	path        string
	readTimeout time.Duration
	unlock      func() // undoes the exclusive lock before the file is closed
}

// file is the open device: an *os.File, or a github.com/tarm/serial port where the system has
// no pollable terminals (Windows), whose deadlines then fail with os.ErrNoDeadline.
type file interface {
	io.ReadWriteCloser
	SetDeadline(t time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// Name returns the path the port was opened with.
func (p *Port) Name() string { return p.path }

// Read reads from the port. With a ReadTimeout it returns (0, io.EOF) when nothing arrived in
// time.
func (p *Port) Read(b []byte) (int, error) {
	if p.readTimeout <= 0 {
		return p.f.Read(b)
	}
	if err := p.f.SetReadDeadline(time.Now().Add(p.readTimeout)); err != nil {
		return p.f.Read(b)
	}
	n, err := p.f.Read(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, io.EOF
	}
	return n, err
}

// Write writes to the port.
func (p *Port) Write(b []byte) (int, error) { return p.f.Write(b) }

// SetDeadline sets the read and write deadlines; see os.File.SetDeadline.
func (p *Port) SetDeadline(t time.Time) error { return p.f.SetDeadline(t) }

// SetReadDeadline sets the read deadline.
func (p *Port) SetReadDeadline(t time.Time) error { return p.f.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (p *Port) SetWriteDeadline(t time.Time) error { return p.f.SetWriteDeadline(t) }

// Close releases the lock and closes the port; it ends reads and writes in progress.
func (p *Port) Close() error {
	if p.unlock != nil {
		p.unlock()
	}
	return p.f.Close()
}

// Open opens the serial port at path for exclusive use, sets its line to cfg and discards
// whatever was waiting in its buffers.
func Open(path string, cfg Config) (*Port, error) {
	baud := cfg.Baud
	if baud == 0 {
		baud = 9600
	}
	if !ValidBaud(baud) {
		return nil, fmt.Errorf("open %s: unsupported baud rate %d", path, baud)
	}
	p, err := open(path, baud)
	if err != nil {
		return nil, err
	}
	p.readTimeout = cfg.ReadTimeout
	return p, nil
}

// OpenDevice opens a device file that is not a serial line, such as a USB printer's
// /dev/usb/lp0, for exclusive use, for reading and writing.
func OpenDevice(path string) (*Port, error) { return open(path, 0) }
