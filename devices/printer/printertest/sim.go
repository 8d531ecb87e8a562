// Package printertest simulates an ESC/POS receipt printer for tests, demos and installers
// without hardware: on a pseudo-terminal (a stand-in for /dev/usb/lp0 or a serial port) or on a
// TCP port (a stand-in for a network printer on 9100). The simulator records every byte it
// receives, answers DLE EOT 4 with the paper status it is set to and GS r 1 (sent after a job)
// once the job is in. It can also misbehave as broken printers do: stay silent, stop reading,
// or reset the connection part-way through a job.
package printertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

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
	mu         sync.Mutex
	reply      byte
	silent     bool
	stopped    bool // stop reading
	resetAfter int  // TCP: reset the connection after this many bytes; 0 never
	received   bytes.Buffer
	requests   int
	drains     int
	quit       chan struct{}

	closers []io.Closer
	wg      sync.WaitGroup
	path    string
	addr    string
}

func newSimulator() *Simulator { return &Simulator{reply: ReplyOK, quit: make(chan struct{})} }

// DrainReply is the simulator's answer to GS r 1: paper sensors clear.
const DrainReply byte = 0x00

// SetStopReading makes the simulator stop reading what it is sent, like a printer whose buffer
// is full and that no longer takes data; the host's writes then block.
func (s *Simulator) SetStopReading(stop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = stop
}

// SetResetAfter makes a TCP simulator reset each connection (RST) once it has received n bytes
// on it, like a printer that drops a job part-way; 0 turns it off.
func (s *Simulator) SetResetAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetAfter = n
}

// DrainRequests returns how many GS r 1 requests arrived.
func (s *Simulator) DrainRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.drains
}

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

// SetSilent makes the simulator ignore status and GS r 1 requests while it goes on taking data,
// like a printer that hangs or that is switched off behind a network adapter.
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
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.mu.Unlock()
	var errs []error
	for _, c := range closers {
		errs = append(errs, c.Close())
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// count returns how many times req starts in scan at or after skip.
func count(scan []byte, skip int, req []byte) int {
	n := 0
	for i := 0; i+len(req) <= len(scan); i++ {
		if bytes.Equal(scan[i:i+len(req)], req) && i+len(req) > skip {
			n++
		}
	}
	return n
}

// serve records what arrives on rw and answers DLE EOT 4 and GS r 1 until rw fails.
func (s *Simulator) serve(rw io.ReadWriter) {
	buf := make([]byte, 4096)
	var tail []byte // the last two bytes of the previous read, for requests split across reads
	got := 0
	for {
		s.mu.Lock()
		stopped, resetAfter := s.stopped, s.resetAfter
		s.mu.Unlock()
		if stopped {
			select {
			case <-s.quit:
				return
			case <-time.After(10 * time.Millisecond):
				continue
			}
		}
		limit := len(buf)
		if resetAfter > 0 {
			limit = min(limit, max(1, resetAfter-got))
		}
		n, err := rw.Read(buf[:limit])
		got += n
		if resetAfter > 0 && got >= resetAfter {
			s.mu.Lock()
			s.received.Write(buf[:n])
			s.mu.Unlock()
			if tc, ok := rw.(*net.TCPConn); ok {
				tc.SetLinger(0) // close with RST, as a printer that reboots does
				tc.Close()
				return
			}
		}
		if n > 0 {
			s.mu.Lock()
			s.received.Write(buf[:n])
			scan := append(tail, buf[:n]...)
			status, drain := count(scan, len(tail), printer.StatusRequest), count(scan, len(tail), printer.DrainRequest)
			s.requests += status
			s.drains += drain
			reply, silent := s.reply, s.silent
			s.mu.Unlock()
			tail = append([]byte(nil), scan[max(0, len(scan)-2):]...)
			var out []byte
			for range drain {
				out = append(out, DrainReply)
			}
			for range status {
				out = append(out, reply)
			}
			if len(out) > 0 && !silent {
				if _, err := rw.Write(out); err != nil {
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
