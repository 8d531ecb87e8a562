package idcard

import (
	"bytes"
	"errors"
	"fmt"
)

// Frame layout constants.
const (
	// HeaderSize is the size of the five-byte preamble plus the two length bytes.
	HeaderSize = 7
	// MinFrameSize is the smallest valid reply: header, SW1 SW2 SW3 and the checksum.
	MinFrameSize = HeaderSize + 4
	// MaxFrameSize is the largest frame a reader sends (text + photo + 1024-byte fingerprint).
	// Anything larger is corrupt.
	MaxFrameSize = 2321
)

// preamble starts every frame: AA AA AA synchronises, 96 69 marks the frame start.
var preamble = []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// Frame errors. They are returned wrapped; test for them with errors.Is.
var (
	// ErrPreamble means a frame does not start with AA AA AA 96 69.
	ErrPreamble = errors.New("idcard: frame has no preamble")
	// ErrFrameLength means the length field is too small or disagrees with the frame's size.
	ErrFrameLength = errors.New("idcard: bad frame length")
	// ErrFrameTooLarge means the length field announces a frame larger than MaxFrameSize.
	ErrFrameTooLarge = errors.New("idcard: frame larger than the protocol allows")
	// ErrChecksum means the XOR checksum of a frame does not match.
	ErrChecksum = errors.New("idcard: frame checksum mismatch")
)

// Command is a reader command: CMD in the high byte, PARA in the low byte.
type Command uint16

// The commands of the protocol.
const (
	CmdResetSAM        Command = 0x10FF // reset the SAM
	CmdSAMStatus       Command = 0x11FF // SAM status
	CmdSAMID           Command = 0x12FF // read the SAM ID
	CmdFindCard        Command = 0x2001 // find card (寻卡)
	CmdSelectCard      Command = 0x2002 // select card (选卡)
	CmdReadText        Command = 0x3001 // read text + photo
	CmdReadAddress     Command = 0x3003 // read the additional address (追加住址)
	CmdReadFingerprint Command = 0x3010 // read text + photo + fingerprint
	CmdSetBaud115200   Command = 0x6000 // switch the reader to 115200 baud
	CmdSetBaud57600    Command = 0x6001 // switch the reader to 57600 baud
	CmdSetBaud38400    Command = 0x6002 // switch the reader to 38400 baud
	CmdSetBaud19200    Command = 0x6003 // switch the reader to 19200 baud
	CmdSetBaud9600     Command = 0x6004 // switch the reader to 9600 baud
)

var commandNames = map[Command]string{
	CmdResetSAM:        "reset SAM",
	CmdSAMStatus:       "SAM status",
	CmdSAMID:           "read SAM ID",
	CmdFindCard:        "find card",
	CmdSelectCard:      "select card",
	CmdReadText:        "read text",
	CmdReadAddress:     "read additional address",
	CmdReadFingerprint: "read text and fingerprint",
}

// String names the command for logs and error messages.
func (c Command) String() string {
	if n, ok := commandNames[c]; ok {
		return n
	}
	if c>>8 == CmdSetBaud115200>>8 {
		return fmt.Sprintf("set baud rate %02X", byte(c))
	}
	return fmt.Sprintf("command %04X", uint16(c))
}

// EncodeFrame wraps payload (CMD PARA DATA… or SW1 SW2 SW3 DATA…) into a complete frame:
// preamble, big-endian length, payload and XOR checksum.
func EncodeFrame(payload []byte) []byte {
	n := len(payload) + 1 // the length counts the checksum too
	f := make([]byte, 0, HeaderSize+n)
	f = append(f, preamble...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, payload...)
	return append(f, checksum(f[len(preamble):]))
}

// EncodeCommand returns the frame that sends cmd with optional data to the reader.
func EncodeCommand(cmd Command, data ...byte) []byte {
	p := make([]byte, 0, 2+len(data))
	p = append(p, byte(cmd>>8), byte(cmd))
	return EncodeFrame(append(p, data...))
}

// checksum is the XOR of b.
func checksum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// DecodeFrame checks that frame is exactly one complete frame and returns its payload (the bytes
// between the length field and the checksum). The payload aliases frame.
func DecodeFrame(frame []byte) ([]byte, error) {
	if len(frame) < HeaderSize || !bytes.Equal(frame[:len(preamble)], preamble) {
		return nil, ErrPreamble
	}
	n := int(frame[5])<<8 | int(frame[6])
	switch {
	case HeaderSize+n > MaxFrameSize:
		return nil, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, HeaderSize+n)
	case n < 3 || HeaderSize+n != len(frame):
		return nil, fmt.Errorf("%w: length field %d, frame %d bytes", ErrFrameLength, n, len(frame))
	}
	if want, got := checksum(frame[len(preamble):len(frame)-1]), frame[len(frame)-1]; want != got {
		return nil, fmt.Errorf("%w: got %02X, want %02X", ErrChecksum, got, want)
	}
	return frame[HeaderSize : len(frame)-1], nil
}

// Scanner cuts frames out of a byte stream. It discards noise before a preamble, skips headers
// whose length is impossible, prefers a complete frame that starts inside a truncated one, and
// reports a frame whose checksum is wrong. The zero value is ready to use.
//
// Scanner works on both directions; minPayload is the smallest payload it accepts (2 for
// commands, 3 for replies), see NewScanner.
type Scanner struct {
	buf        []byte
	minPayload int
	discarded  int

	// While the frame at buf[0] is incomplete, later preambles are remembered so that each
	// byte is searched once: off is the stream position of buf[0], seen the position up to
	// which preambles were searched, cands the positions of later preambles whose frames
	// have not been found complete and valid.
	off   int
	seen  int
	cands []int
}

// NewScanner returns a Scanner for frames whose payload has at least minPayload bytes: 3 for
// reader replies (SW1 SW2 SW3), 2 for host commands (CMD PARA).
func NewScanner(minPayload int) *Scanner {
	return &Scanner{minPayload: minPayload}
}

// Feed appends bytes received from the line.
func (s *Scanner) Feed(p []byte) { s.buf = append(s.buf, p...) }

// Buffered reports how many received bytes wait in the scanner.
func (s *Scanner) Buffered() int { return len(s.buf) }

// Discarded reports how many bytes were thrown away as noise or as parts of corrupt frames
// since the scanner was made or last reset.
func (s *Scanner) Discarded() int { return s.discarded }

// Reset drops every buffered byte.
func (s *Scanner) Reset() {
	s.off += len(s.buf)
	s.seen = s.off
	s.buf = s.buf[:0]
	s.cands = s.cands[:0]
	s.discarded = 0
}

// Next returns the payload of the next complete, valid frame. It returns (nil, nil) when more
// bytes are needed, and an error wrapping ErrChecksum, ErrFrameLength or ErrFrameTooLarge for a
// corrupt frame, which it has already dropped: calling Next again continues after it.
// The payload is a fresh copy.
func (s *Scanner) Next() ([]byte, error) {
	minPayload := max(s.minPayload, 1)
	for {
		i := bytes.Index(s.buf, preamble)
		if i < 0 {
			// Keep a tail that may be the start of a preamble.
			s.drop(max(0, len(s.buf)-(len(preamble)-1)))
			return nil, nil
		}
		s.drop(i)
		if len(s.buf) < HeaderSize {
			return nil, nil
		}
		n := int(s.buf[5])<<8 | int(s.buf[6])
		size := HeaderSize + n
		if size > MaxFrameSize {
			s.drop(1)
			return nil, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, size)
		}
		if n < minPayload+1 {
			s.drop(1)
			return nil, fmt.Errorf("%w: length field %d", ErrFrameLength, n)
		}
		if len(s.buf) < size {
			// A truncated frame followed by a complete one: the later frame wins.
			if j := s.laterFrame(); j > 0 {
				s.drop(j)
				continue
			}
			return nil, nil
		}
		frame := s.buf[:size]
		if checksum(frame[len(preamble):size-1]) == frame[size-1] {
			payload := bytes.Clone(frame[HeaderSize : size-1])
			s.off += size
			s.buf = s.buf[size:]
			return payload, nil
		}
		// Bad checksum: if another preamble starts inside, the first one was noise or a
		// truncated frame; resynchronise there. Otherwise the frame itself is damaged.
		if j := bytes.Index(frame[1:], preamble); j >= 0 {
			s.drop(j + 1)
			continue
		}
		want, got := checksum(frame[len(preamble):size-1]), frame[size-1]
		s.drop(size)
		return nil, fmt.Errorf("%w: got %02X, want %02X", ErrChecksum, got, want)
	}
}

// laterFrame looks for a complete frame with a good checksum that starts after buf[0]; it
// returns its offset in buf, or -1.
func (s *Scanner) laterFrame() int {
	from := max(s.seen-s.off, 1)
	for {
		j := bytes.Index(s.buf[from:], preamble)
		if j < 0 {
			break
		}
		s.cands = append(s.cands, s.off+from+j)
		from += j + 1
	}
	// A preamble may straddle the end of what has arrived: search its first bytes again.
	s.seen = s.off + max(len(s.buf)-(len(preamble)-1), 1)

	keep := s.cands[:0]
	found := -1
	for _, c := range s.cands {
		k := c - s.off
		if k < 1 {
			continue // already dropped
		}
		if found < 0 {
			if f := s.frameAt(k); f != nil {
				if _, err := DecodeFrame(f); err == nil {
					found = k
				}
				continue // complete: valid or not, it need not be checked again
			}
		}
		keep = append(keep, c)
	}
	s.cands = keep
	return found
}

// frameAt returns the bytes of the frame announced at offset k, or nil if they have not all
// arrived.
func (s *Scanner) frameAt(k int) []byte {
	if len(s.buf)-k < HeaderSize {
		return nil
	}
	size := HeaderSize + (int(s.buf[k+5])<<8 | int(s.buf[k+6]))
	if size > MaxFrameSize || len(s.buf)-k < size {
		return nil
	}
	return s.buf[k : k+size]
}

func (s *Scanner) drop(n int) {
	if n <= 0 {
		return
	}
	s.discarded += n
	s.off += n
	s.buf = s.buf[n:]
}

// Response is a decoded reader reply.
type Response struct {
	SW1, SW2 byte   // passed through from the card
	SW3      Status // the reader's own status
	Data     []byte // the bytes after SW3
}

// ParseResponse splits a reply payload (as returned by DecodeFrame or Scanner.Next) into its
// status words and data.
func ParseResponse(payload []byte) (Response, error) {
	if len(payload) < 3 {
		return Response{}, fmt.Errorf("%w: reply payload of %d bytes", ErrFrameLength, len(payload))
	}
	return Response{SW1: payload[0], SW2: payload[1], SW3: Status(payload[2]), Data: payload[3:]}, nil
}

// EncodeResponse returns the frame of a reply with the given status and data, as a reader
// sends it. Simulators and tests use it.
func EncodeResponse(sw3 Status, data ...byte) []byte {
	p := make([]byte, 0, 3+len(data))
	p = append(p, 0, 0, byte(sw3))
	return EncodeFrame(append(p, data...))
}
