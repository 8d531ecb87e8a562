// Package idcardsim simulates a serial SAM-V ID card reader on a pseudo-terminal, for tests,
// demos and installers without hardware. The host opens the simulator's pty (or its stable
// symlink) as it would open /dev/ttyUSB0; the simulator answers every command with correct
// frames, paces its bytes as the baud rate would, and can place and lift cards, switch between
// the two find-card behaviours of real readers, inject faults, and be "unplugged" and
// "plugged back in".
package idcardsim

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"fengqiao/devices/idcard"
	"fengqiao/devices/ptyline"
)

// FindMode is how find-card answers for a card that was read and still lies on the reader.
type FindMode int

// The two behaviours of real readers.
const (
	// FindKeepsCard keeps answering "card found" while a card lies on the reader.
	FindKeepsCard FindMode = iota
	// FindOncePerPlacement answers "no card" (and fails select) after a card was read, until it
	// is lifted and placed anew.
	FindOncePerPlacement
)

// String names the mode as the simulate command accepts it: keep or once.
func (m FindMode) String() string {
	if m == FindOncePerPlacement {
		return "once"
	}
	return "keep"
}

// Fault is a one-shot fault injected into the simulator's next matching reply.
type Fault int

// The faults the simulator can inject.
const (
	// FaultChecksum corrupts the checksum of the next reply.
	FaultChecksum Fault = iota + 1
	// FaultNoise sends garbage (stray preamble bytes, a header announcing an oversized frame)
	// before the next reply.
	FaultNoise
	// FaultPartial sends the first half of the next reply, then the whole reply.
	FaultPartial
	// FaultSilence leaves the next command unanswered.
	FaultSilence
	// FaultReadFailure answers the next read command with SW3 41 (read failed).
	FaultReadFailure
	// FaultSelectFailure answers the next select command with SW3 81 (select failed).
	FaultSelectFailure
)

var faultNames = map[Fault]string{
	FaultChecksum:      "checksum",
	FaultNoise:         "noise",
	FaultPartial:       "partial",
	FaultSilence:       "silence",
	FaultReadFailure:   "read",
	FaultSelectFailure: "select",
}

// String returns the name ParseFault accepts.
func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// ParseFault parses a fault name: checksum, noise, partial, silence, read or select.
func ParseFault(name string) (Fault, error) {
	for f, n := range faultNames {
		if n == name {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown fault %q (want checksum, noise, partial, silence, read or select)", name)
}

// SAMID is the ID the simulated security module reports (05.01-20101117-0052664617-1234567890).
var SAMID = idcard.SAMID{
	0x05, 0x00, 0x01, 0x00,
	0xFD, 0xB7, 0x32, 0x01, // 20101117
	0x29, 0x99, 0x23, 0x03, // 52664617
	0xD2, 0x02, 0x96, 0x49, // 1234567890
}

// Options configures a Simulator.
type Options struct {
	// Baud paces the replies: n bytes take n*10/Baud seconds. idcard.DefaultBaud if zero;
	// negative sends at full speed.
	Baud int
	// Link, if set, is a symlink kept pointing at the current pty (like a udev rule's
	// /dev/fengqiao-idcard). It is removed on Unplug and Close.
	Link string
	// Card, if set, lies on the reader from the start.
	Card *idcard.Identity
	// Mode is the find-card behaviour.
	Mode FindMode
	// ReadDelay is how long the card takes to answer a read before the reply starts (a real
	// card needs a few hundred milliseconds). Zero in tests and benchmarks.
	ReadDelay time.Duration
	// Logger receives diagnostics; slog.Default() if nil.
	Logger *slog.Logger
}

// Simulator is a simulated reader. Its methods are safe for concurrent use.
type Simulator struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	text     []byte // the card's text block; nil when no card lies there
	photo    []byte
	read     bool // the card lying there has been read
	mode     FindMode
	faults   []Fault
	counts   map[idcard.Command]int
	line     *line // nil while unplugged
	closed   bool
	linkPath string
}

// line is one plug-in of the simulated reader: a pty pair.
type line struct {
	master, slave *os.File
	done          chan struct{} // closed when serve returns
}

// New starts a simulator on a fresh pseudo-terminal.
func New(opts Options) (*Simulator, error) {
	if opts.Baud == 0 {
		opts.Baud = idcard.DefaultBaud
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Simulator{opts: opts, log: opts.Logger, mode: opts.Mode, counts: map[idcard.Command]int{}}
	if opts.Card != nil {
		if err := s.Place(*opts.Card); err != nil {
			return nil, err
		}
	}
	if err := s.Replug(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the path the host should open: the symlink if one was configured, else the
// current pty device.
func (s *Simulator) Path() string {
	if s.opts.Link != "" {
		return s.opts.Link
	}
	return s.Device()
}

// Device returns the current pty device (/dev/pts/N), or "" while unplugged.
func (s *Simulator) Device() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line == nil {
		return ""
	}
	return s.line.slave.Name()
}

// Place puts a card on the reader (replacing any card lying there).
func (s *Simulator) Place(id idcard.Identity) error {
	text, err := idcard.EncodeText(id)
	if err != nil {
		return fmt.Errorf("place card: %w", err)
	}
	photo := make([]byte, 1024)
	copy(photo, id.Photo)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.photo, s.read = text, photo, false
	return nil
}

// Lift takes the card away.
func (s *Simulator) Lift() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.photo, s.read = nil, nil, false
}

// SetMode switches the find-card behaviour.
func (s *Simulator) SetMode(m FindMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = m
}

// InjectFault queues a one-shot fault. FaultReadFailure and FaultSelectFailure hit the next
// read or select command; the others hit the next reply of any command.
func (s *Simulator) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// Count reports how many frames with command cmd the simulator has answered (or swallowed).
func (s *Simulator) Count(cmd idcard.Command) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[cmd]
}

// Unplug closes the pty, as pulling the USB cable would: the host's port fails with EIO and
// the symlink disappears. The card state is kept.
func (s *Simulator) Unplug() error {
	s.mu.Lock()
	l := s.line
	s.line = nil
	s.mu.Unlock()
	if l == nil {
		return nil
	}
	if s.opts.Link != "" {
		if err := os.Remove(s.opts.Link); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("idcardsim: remove link", "err", err)
		}
	}
	err := errors.Join(l.master.Close(), l.slave.Close())
	<-l.done
	if err != nil {
		return fmt.Errorf("unplug: %w", err)
	}
	return nil
}

// Replug opens a new pty (a new /dev/pts/N) and points the symlink at it, as plugging the
// reader back in would. It is a no-op while plugged in.
func (s *Simulator) Replug() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("replug: simulator closed")
	}
	if s.line != nil {
		return nil
	}
	master, slave, err := ptyline.Open(s.opts.Link)
	if err != nil {
		return fmt.Errorf("replug: %w", err)
	}
	l := &line{master: master, slave: slave, done: make(chan struct{})}
	s.line = l
	go s.serve(l)
	s.log.Debug("idcardsim: plugged in", "device", slave.Name())
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

// serve answers the host's commands on l until l is closed.
func (s *Simulator) serve(l *line) {
	defer close(l.done)
	sc := idcard.NewScanner(2)
	buf := make([]byte, 512)
	for {
		n, err := l.master.Read(buf)
		if err != nil {
			return
		}
		sc.Feed(buf[:n])
		for {
			payload, err := sc.Next()
			if err != nil {
				// The host's frame was garbled; a real reader says so.
				if errors.Is(err, idcard.ErrChecksum) {
					if s.send(l, idcard.EncodeResponse(idcard.StatusChecksum)) != nil {
						return
					}
				}
				continue
			}
			if payload == nil {
				break
			}
			if s.answer(l, payload) != nil {
				return
			}
		}
	}
}

// noise is what FaultNoise sends: stray bytes, a broken preamble and a header announcing a
// frame far larger than MaxFrameSize.
var noise = []byte{0x00, 0xFF, 0xAA, 0xAA, 0x96, 0x13, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xF0, 0x55, 0xAA}

// answer handles one command.
func (s *Simulator) answer(l *line, payload []byte) error {
	cmd := idcard.Command(payload[0])<<8 | idcard.Command(payload[1])
	reply, fault, delay := s.reply(cmd)
	if delay > 0 {
		time.Sleep(delay)
	}
	switch fault {
	case FaultSilence:
		return nil
	case FaultChecksum:
		reply[len(reply)-1] ^= 0xFF
	case FaultNoise:
		reply = append(append([]byte{}, noise...), reply...)
	case FaultPartial:
		reply = append(append([]byte{}, reply[:len(reply)/2]...), reply...)
	}
	return s.send(l, reply)
}

// reply computes the reply to cmd from the reader's state and consumes a matching fault.
func (s *Simulator) reply(cmd idcard.Command) (reply []byte, fault Fault, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[cmd]++
	fault = s.takeFault(cmd)
	present := s.text != nil && !(s.mode == FindOncePerPlacement && s.read)
	switch cmd {
	case idcard.CmdResetSAM, idcard.CmdSAMStatus,
		idcard.CmdSetBaud115200, idcard.CmdSetBaud57600, idcard.CmdSetBaud38400, idcard.CmdSetBaud19200, idcard.CmdSetBaud9600:
		reply = idcard.EncodeResponse(idcard.StatusOK)
	case idcard.CmdSAMID:
		reply = idcard.EncodeResponse(idcard.StatusOK, SAMID[:]...)
	case idcard.CmdFindCard:
		if present {
			reply = idcard.EncodeResponse(idcard.StatusCardFound, 0, 0, 0, 0)
		} else {
			reply = idcard.EncodeResponse(idcard.StatusNoCard)
		}
	case idcard.CmdSelectCard:
		if present && fault != FaultSelectFailure {
			reply = idcard.EncodeResponse(idcard.StatusOK, make([]byte, 8)...)
		} else {
			reply = idcard.EncodeResponse(idcard.StatusSelectFailed)
		}
	case idcard.CmdReadText, idcard.CmdReadFingerprint:
		if !present || fault == FaultReadFailure {
			reply = idcard.EncodeResponse(idcard.StatusReadFailed)
			break
		}
		data := []byte{0x01, 0x00, 0x04, 0x00}
		if cmd == idcard.CmdReadFingerprint {
			data = append(data, 0x00, 0x00)
		}
		data = append(append(data, s.text...), s.photo...)
		reply = idcard.EncodeResponse(idcard.StatusOK, data...)
		delay = s.opts.ReadDelay
		s.read = true
	case idcard.CmdReadAddress:
		reply = idcard.EncodeResponse(idcard.StatusNoContent)
	default:
		reply = idcard.EncodeResponse(idcard.StatusCommand)
	}
	return reply, fault, delay
}

// takeFault removes and returns the first queued fault that applies to cmd.
func (s *Simulator) takeFault(cmd idcard.Command) Fault {
	for i, f := range s.faults {
		applies := true
		switch f {
		case FaultReadFailure:
			applies = cmd == idcard.CmdReadText || cmd == idcard.CmdReadFingerprint
		case FaultSelectFailure:
			applies = cmd == idcard.CmdSelectCard
		}
		if applies {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f
		}
	}
	return 0
}

// chunk is how many bytes the simulator writes at a time when pacing.
const chunk = 32

// send writes b, pacing it so that the last byte of each chunk is written when it would have
// arrived on a line at the configured baud rate.
func (s *Simulator) send(l *line, b []byte) error {
	if s.opts.Baud < 0 {
		_, err := l.master.Write(b)
		return err
	}
	start := time.Now()
	for off := 0; off < len(b); off += chunk {
		end := min(off+chunk, len(b))
		time.Sleep(time.Until(start.Add(idcard.WireTime(end, s.opts.Baud))))
		if _, err := l.master.Write(b[off:end]); err != nil {
			return err
		}
	}
	return nil
}
