// Package printertest simulates an ESC/POS receipt printer for tests, demos and installers
// without hardware: on a pseudo-terminal (a stand-in for /dev/usb/lp0 or a serial port) or on a
// TCP port (a stand-in for a network printer on 9100). The simulator records every byte it
// receives and answers DLE EOT 4 with the paper status it is set to.
package printertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"fengqiao/devices/printer"
	"fengqiao/devices/ptyline"
)

// Reply bytes to DLE EOT 4, as real printers send them.
const (
	ReplyOK      byte = 0x12
	ReplyNearEnd byte = 0x1E
	ReplyOut     byte = 0x72
)

// Simulator is a fake receipt printer. Its methods are safe for concurrent use.
type Simulator struct {
	mu       sync.Mutex
	reply    byte
	silent   bool
	received bytes.Buffer
	requests int

	closers []io.Closer
	wg      sync.WaitGroup
	path    string
	addr    string
}

func newSimulator() *Simulator { return &Simulator{reply: ReplyOK} }

// SetPaper makes the simulator answer status requests with s (PaperOK, PaperNearEnd or PaperOut).
func (s *Simulator) SetPaper(st printer.PaperStatus) {
	reply := ReplyOK
	switch st {
	case printer.PaperNearEnd:
		reply = ReplyNearEnd
	case printer.PaperOut:
		reply = ReplyOut
	}
	s.SetReply(reply)
}

// SetReply makes the simulator answer status requests with the raw byte b.
func (s *Simulator) SetReply(b byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = b
}

// SetSilent makes the simulator ignore status requests, like a printer that is switched off.
func (s *Simulator) SetSilent(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = silent
}

// Received returns a copy of every byte received so far, status requests included.
func (s *Simulator) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.received.Bytes())
}

// StatusRequests returns how many DLE EOT 4 requests arrived.
func (s *Simulator) StatusRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Path is the device path of a pseudo-terminal simulator, e.g. /dev/pts/3.
func (s *Simulator) Path() string { return s.path }

// Addr is the host:port of a TCP simulator.
func (s *Simulator) Addr() string { return s.addr }

// Close stops the simulator and waits for its goroutines.
func (s *Simulator) Close() error {
	s.mu.Lock()
	closers := s.closers
	s.closers = nil
	s.mu.Unlock()
	var errs []error
	for _, c := range closers {
		errs = append(errs, c.Close())
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// serve records what arrives on rw and answers DLE EOT 4 requests until rw fails.
func (s *Simulator) serve(rw io.ReadWriter) {
	buf := make([]byte, 4096)
	var tail []byte // the last two bytes of the previous read, for requests split across reads
	for {
		n, err := rw.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.received.Write(buf[:n])
			scan := append(tail, buf[:n]...)
			answers := 0
			for i := 0; i+3 <= len(scan); i++ {
				if bytes.Equal(scan[i:i+3], printer.StatusRequest) && i+3 > len(tail) {
					answers++
				}
			}
			s.requests += answers
			reply, silent := s.reply, s.silent
			s.mu.Unlock()
			tail = append([]byte(nil), scan[max(0, len(scan)-2):]...)
			for ; answers > 0 && !silent; answers-- {
				if _, err := rw.Write([]byte{reply}); err != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// NewPTY starts a simulator on a new pseudo-terminal in raw mode; open Path() as the printer's
// device file or serial port.
func NewPTY() (*Simulator, error) {
	m, slave, err := ptyline.Open("")
	if err != nil {
		return nil, fmt.Errorf("printer simulator: %w", err)
	}
	s := newSimulator()
	s.path = slave.Name()
	// The simulator keeps the slave open, so the pty keeps its raw settings between the host's
	// opens and the master does not see a hang-up.
	s.closers = []io.Closer{m, slave}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.serve(m)
	}()
	return s, nil
}

// ListenTCP starts a simulator listening on addr, e.g. "127.0.0.1:0"; print to Addr().
func ListenTCP(addr string) (*Simulator, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("printer simulator: %w", err)
	}
	s := newSimulator()
	s.addr = l.Addr().String()
	s.closers = []io.Closer{l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.closers = append(s.closers, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				s.serve(c)
			}()
		}
	}()
	return s, nil
}
