package idcard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fengqiao/devices/serialport"
)

// DefaultBaud is the reader's factory line speed.
const DefaultBaud = 115200

// pollTimeout is how long one read of the serial port waits before it returns empty-handed, so
// that the receiving goroutine notices a closed port. It does not delay data: a read returns as
// soon as any byte has arrived.
const pollTimeout = 100 * time.Millisecond

// Transport errors.
var (
	// ErrDisconnected means the port cannot be opened or has gone away (reader unplugged).
	ErrDisconnected = errors.New("idcard: reader not connected")
	// ErrTimeout means the reader did not answer within the exchange's deadline.
	ErrTimeout = errors.New("idcard: reader did not answer in time")
	// ErrClosed means the Reader was closed.
	ErrClosed = errors.New("idcard: reader closed")
)

// Config configures a Reader.
type Config struct {
	// Port is the serial device, preferably a stable udev name such as /dev/fengqiao-idcard.
	Port string
	// Baud is the line speed; DefaultBaud if zero. The line is always 8N1.
	Baud int
	// Timeout bounds each exchange (command sent → reply received). If zero it is one second
	// plus the time the largest frame needs on the wire at Baud.
	Timeout time.Duration
	// Retries is how many times a command is repeated when its reply is garbled (bad checksum
	// or length, either way). Zero means the default of 2; negative means none.
	Retries int
	// Logger receives diagnostics; slog.Default() if nil. Nothing personal is logged.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second + WireTime(MaxFrameSize, c.Baud)
	}
	if c.Retries == 0 {
		c.Retries = 2
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// WireTime is how long n bytes take on an 8N1 line at baud (10 bits a byte).
func WireTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// Reader talks to one ID card reader. Its methods may be called from several goroutines; the
// exchanges are serialised.
type Reader struct {
	cfg  Config
	log  *slog.Logger
	port io.ReadWriteCloser

	mu   sync.Mutex // one exchange at a time; guards scan
	scan Scanner

	chunks    chan []byte   // bytes received by pump; closed when pump ends
	pumpErr   error         // why pump ended; written before chunks is closed
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
}

// Open opens the serial port of cfg (8N1) and returns a Reader on it.
func Open(cfg Config) (*Reader, error) {
	cfg = cfg.withDefaults()
	// The port is locked for this process (serialport.ErrInUse for a second opener) and its
	// buffers are flushed.
	port, err := serialport.Open(cfg.Port, serialport.Config{Baud: cfg.Baud, ReadTimeout: pollTimeout})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %w", cfg.Port, ErrDisconnected, err)
	}
	return NewReader(port, cfg), nil
}

// NewReader returns a Reader on a port opened elsewhere; cfg.Port and cfg.Baud are only used
// in messages. Read on the port may return (0, io.EOF) when nothing arrived within the port's
// own read time-out, as github.com/tarm/serial does; a run of immediate empty reads is taken as
// a hang-up (a USB adapter that was unplugged). The Reader owns the port and closes it.
func NewReader(port io.ReadWriteCloser, cfg Config) *Reader {
	cfg = cfg.withDefaults()
	r := &Reader{
		cfg:    cfg,
		log:    cfg.Logger.With("port", cfg.Port),
		port:   port,
		scan:   Scanner{minPayload: 3},
		chunks: make(chan []byte, 64),
		closed: make(chan struct{}),
	}
	go r.pump()
	return r
}

// Close closes the port. Exchanges in progress fail with ErrClosed.
func (r *Reader) Close() error {
	var err error
	r.closeOnce.Do(func() {
		close(r.closed)
		err = r.port.Close()
	})
	return err
}

// pump moves bytes from the port to r.chunks as they arrive.
func (r *Reader) pump() {
	defer close(r.chunks)
	buf := make([]byte, 4096)
	early := 0 // empty reads that came back too fast to be read time-outs
	for {
		start := time.Now()
		n, err := r.port.Read(buf)
		if n > 0 {
			early = 0
			select {
			case r.chunks <- bytes.Clone(buf[:n]):
			case <-r.closed:
				r.pumpErr = ErrClosed
				return
			}
		}
		select {
		case <-r.closed:
			r.pumpErr = ErrClosed
			return
		default:
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) && n == 0:
			if time.Since(start) >= pollTimeout/2 {
				early = 0
				continue
			}
			if early++; early >= 3 {
				r.pumpErr = fmt.Errorf("%w: port hung up", ErrDisconnected)
				return
			}
		case errors.Is(err, io.EOF):
		default:
			r.pumpErr = fmt.Errorf("%w: %w", ErrDisconnected, err)
			return
		}
	}
}

// Exchange sends cmd with data and returns the reader's reply. It repeats the command up to
// Config.Retries times when the reply is garbled or the reader says it received a garbled
// command. It does not interpret SW3 otherwise. The exchange ends at ctx's end or after
// Config.Timeout, whichever comes first.
func (r *Reader) Exchange(ctx context.Context, cmd Command, data ...byte) (Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	for attempt := 0; ; attempt++ {
		var resp Response
		resp, err = r.exchange(ctx, cmd, data)
		if err == nil && (resp.SW3 == StatusChecksum || resp.SW3 == StatusLength) {
			err = &StatusError{Command: cmd, SW1: resp.SW1, SW2: resp.SW2, SW3: resp.SW3}
		} else if err == nil {
			return resp, nil
		}
		garbled := errors.Is(err, ErrChecksum) || errors.Is(err, ErrFrameLength) || errors.Is(err, ErrFrameTooLarge) ||
			errors.Is(err, ErrReaderChecksum) || errors.Is(err, ErrReaderLength)
		if !garbled || attempt >= max(r.cfg.Retries, 0) {
			return Response{}, err
		}
		r.log.Warn("idcard: garbled exchange, repeating", "command", cmd.String(), "err", err)
	}
}

func (r *Reader) exchange(ctx context.Context, cmd Command, data []byte) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, fmt.Errorf("%s: %w", cmd, err)
	}
	if err := r.discardInput(); err != nil {
		return Response{}, fmt.Errorf("%s: %w", cmd, err)
	}
	if _, err := r.port.Write(EncodeCommand(cmd, data...)); err != nil {
		return Response{}, fmt.Errorf("%s: %w: write: %w", cmd, ErrDisconnected, err)
	}
	timer := time.NewTimer(r.cfg.Timeout)
	defer timer.Stop()
	for {
		payload, err := r.scan.Next()
		switch {
		case errors.Is(err, ErrChecksum):
			return Response{}, fmt.Errorf("%s: %w", cmd, err)
		case err != nil:
			r.log.Debug("idcard: skipped corrupt frame header", "err", err)
			continue
		case payload != nil:
			resp, err := ParseResponse(payload)
			if err != nil {
				return Response{}, fmt.Errorf("%s: %w", cmd, err)
			}
			return resp, nil
		}
		select {
		case b, ok := <-r.chunks:
			if !ok {
				return Response{}, fmt.Errorf("%s: %w", cmd, r.pumpErr)
			}
			r.scan.Feed(b)
		case <-timer.C:
			return Response{}, fmt.Errorf("%s: %w after %v (%d bytes of a partial frame)", cmd, ErrTimeout, r.cfg.Timeout, r.scan.Buffered())
		case <-ctx.Done():
			return Response{}, fmt.Errorf("%s: %w", cmd, ctx.Err())
		case <-r.closed:
			return Response{}, fmt.Errorf("%s: %w", cmd, ErrClosed)
		}
	}
}

// discardInput drops bytes that arrived outside an exchange, such as the late reply to a
// command that timed out.
func (r *Reader) discardInput() error {
	if n := r.scan.Buffered(); n > 0 {
		r.log.Debug("idcard: discarded stale input", "bytes", n)
	}
	r.scan.Reset()
	for {
		select {
		case b, ok := <-r.chunks:
			if !ok {
				return r.pumpErr
			}
			r.log.Debug("idcard: discarded stale input", "bytes", len(b))
		case <-r.closed:
			return ErrClosed
		default:
			return nil
		}
	}
}

// do runs cmd and turns a failure status into a *StatusError.
func (r *Reader) do(ctx context.Context, cmd Command) (Response, error) {
	resp, err := r.Exchange(ctx, cmd)
	if err != nil {
		return Response{}, err
	}
	if err := checkStatus(cmd, resp); err != nil {
		return Response{}, err
	}
	return resp, nil
}

// ResetSAM resets the reader's security module.
func (r *Reader) ResetSAM(ctx context.Context) error {
	_, err := r.do(ctx, CmdResetSAM)
	return err
}

// SAMStatus asks whether the security module works. It is also the cheapest way to see that
// a reader answers at all.
func (r *Reader) SAMStatus(ctx context.Context) error {
	_, err := r.do(ctx, CmdSAMStatus)
	return err
}

// SAMID is the 16-byte identifier of a reader's security module.
type SAMID [16]byte

// String formats the ID as printed on readers: 05.01-20101117-0052664617-1234567890
// (little-endian u16, u16, u32, u32, u32; the first two as two digits, the last two
// zero-padded to ten).
func (s SAMID) String() string {
	le := binary.LittleEndian
	return fmt.Sprintf("%02d.%02d-%d-%010d-%010d",
		le.Uint16(s[0:]), le.Uint16(s[2:]), le.Uint32(s[4:]), le.Uint32(s[8:]), le.Uint32(s[12:]))
}

// SAMID reads the security module's ID.
func (r *Reader) SAMID(ctx context.Context) (SAMID, error) {
	resp, err := r.do(ctx, CmdSAMID)
	if err != nil {
		return SAMID{}, err
	}
	var id SAMID
	if len(resp.Data) != len(id) {
		return SAMID{}, fmt.Errorf("%s: %w: %d data bytes, want %d", CmdSAMID, ErrFrameLength, len(resp.Data), len(id))
	}
	copy(id[:], resp.Data)
	return id, nil
}

// FindCard asks whether a card lies on the reader: nil if so, an error matching ErrNoCard if not.
func (r *Reader) FindCard(ctx context.Context) error {
	_, err := r.do(ctx, CmdFindCard)
	return err
}

// SelectCard selects the card found by FindCard.
func (r *Reader) SelectCard(ctx context.Context) error {
	_, err := r.do(ctx, CmdSelectCard)
	return err
}

// CardData is the raw content of a card.
type CardData struct {
	Text        []byte // TextSize bytes, see DecodeText
	Photo       []byte // compressed WLT image
	Fingerprint []byte // only with CmdReadFingerprint; may be empty
}

// ReadData reads the selected card's text and photo; withFingerprint also reads the
// fingerprint (command 30 10).
func (r *Reader) ReadData(ctx context.Context, withFingerprint bool) (CardData, error) {
	cmd := CmdReadText
	if withFingerprint {
		cmd = CmdReadFingerprint
	}
	resp, err := r.do(ctx, cmd)
	if err != nil {
		return CardData{}, err
	}
	d, err := ParseCardData(cmd, resp.Data)
	if err != nil {
		return CardData{}, fmt.Errorf("%s: %w", cmd, err)
	}
	return d, nil
}

// ParseCardData splits the data of a successful reply to CmdReadText or CmdReadFingerprint:
// big-endian text and photo lengths (and fingerprint length for CmdReadFingerprint), then the
// blocks themselves. The blocks alias data.
func ParseCardData(cmd Command, data []byte) (CardData, error) {
	head := 4
	if cmd == CmdReadFingerprint {
		head = 6
	}
	if len(data) < head {
		return CardData{}, fmt.Errorf("%w: %d data bytes in a card read reply", ErrFrameLength, len(data))
	}
	be := binary.BigEndian
	text, photo, finger := int(be.Uint16(data)), int(be.Uint16(data[2:])), 0
	if head == 6 {
		finger = int(be.Uint16(data[4:]))
	}
	if text != TextSize || head+text+photo+finger != len(data) {
		return CardData{}, fmt.Errorf("%w: card read reply announces %d+%d+%d bytes, carries %d",
			ErrFrameLength, text, photo, finger, len(data)-head)
	}
	d := CardData{Text: data[head : head+text], Photo: data[head+text : head+text+photo]}
	if finger > 0 {
		d.Fingerprint = data[head+text+photo:]
	}
	return d, nil
}

// ReadCard runs find → select → read and decodes the card. It does not judge the card: see
// Identity.Check.
func (r *Reader) ReadCard(ctx context.Context) (Identity, error) {
	if err := r.FindCard(ctx); err != nil {
		return Identity{}, fmt.Errorf("read card: %w", err)
	}
	return r.ReadFound(ctx)
}

// ReadFound selects and reads a card that FindCard has just found, and decodes it.
func (r *Reader) ReadFound(ctx context.Context) (Identity, error) {
	if err := r.SelectCard(ctx); err != nil {
		return Identity{}, fmt.Errorf("read card: %w", err)
	}
	data, err := r.ReadData(ctx, false)
	if err != nil {
		return Identity{}, fmt.Errorf("read card: %w", err)
	}
	id, err := DecodeText(data.Text)
	if err != nil {
		return Identity{}, fmt.Errorf("read card: %w", err)
	}
	id.Photo = data.Photo
	return id, nil
}

// ReadAdditionalAddress reads the address added after the card was issued (追加住址). It
// returns an error matching ErrNoContent when there is none.
func (r *Reader) ReadAdditionalAddress(ctx context.Context) (string, error) {
	resp, err := r.do(ctx, CmdReadAddress)
	if err != nil {
		return "", fmt.Errorf("read additional address: %w", err)
	}
	return strings.TrimSpace(decodeUCS2(resp.Data[:len(resp.Data)&^1])), nil
}
