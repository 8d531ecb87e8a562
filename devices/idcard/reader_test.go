package idcard_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/serialport"
)

// quiet discards logs in tests.
var quiet = slog.New(slog.DiscardHandler)

// newSim starts a simulator with a symlink in a temporary directory and the built-in card.
func newSim(t testing.TB, opts idcardsim.Options) *idcardsim.Simulator {
	t.Helper()
	if opts.Link == "" {
		opts.Link = filepath.Join(t.TempDir(), "fengqiao-idcard")
	}
	opts.Logger = quiet
	sim, err := idcardsim.New(opts)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func openReader(t testing.TB, path string, cfg idcard.Config) *idcard.Reader {
	t.Helper()
	cfg.Port = path
	cfg.Logger = quiet
	r, err := idcard.Open(cfg)
	if err != nil {
		t.Fatalf("open reader: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func testCard() *idcard.Identity {
	id := idcardsim.TestIdentity()
	return &id
}

func TestReaderReadCard(t *testing.T) {
	sim := newSim(t, idcardsim.Options{Card: testCard()})
	r := openReader(t, sim.Path(), idcard.Config{})
	ctx := t.Context()

	got, err := r.ReadCard(ctx)
	if err != nil {
		t.Fatalf("ReadCard: %v", err)
	}
	want := idcardsim.TestIdentity()
	if got.Record() != want.Record() {
		t.Errorf("ReadCard record = %+v\nwant %+v", got.Record(), want.Record())
	}
	if !bytes.Equal(got.Photo, want.Photo) {
		t.Errorf("photo differs from the simulator's")
	}
	if err := got.Check(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("Check: %v", err)
	}
	for cmd, n := range map[idcard.Command]int{idcard.CmdFindCard: 1, idcard.CmdSelectCard: 1, idcard.CmdReadText: 1} {
		if c := sim.Count(cmd); c != n {
			t.Errorf("simulator answered %v %d times, want %d", cmd, c, n)
		}
	}
}

func TestReaderSAM(t *testing.T) {
	sim := newSim(t, idcardsim.Options{})
	r := openReader(t, sim.Path(), idcard.Config{})
	ctx := t.Context()
	if err := r.ResetSAM(ctx); err != nil {
		t.Errorf("ResetSAM: %v", err)
	}
	if err := r.SAMStatus(ctx); err != nil {
		t.Errorf("SAMStatus: %v", err)
	}
	id, err := r.SAMID(ctx)
	if err != nil {
		t.Fatalf("SAMID: %v", err)
	}
	if got, want := id.String(), "05.01-20101117-0052664617-1234567890"; got != want {
		t.Errorf("SAMID = %s, want %s", got, want)
	}
	if _, err := r.ReadAdditionalAddress(ctx); !errors.Is(err, idcard.ErrNoContent) {
		t.Errorf("ReadAdditionalAddress error = %v, want ErrNoContent", err)
	}
}

func TestReaderFaults(t *testing.T) {
	tests := []struct {
		name    string
		noCard  bool
		faults  []idcardsim.Fault
		cfg     idcard.Config
		wantErr error // nil: the read succeeds
		wantMsg string
	}{
		{name: "noise before a frame", faults: []idcardsim.Fault{idcardsim.FaultNoise}},
		{name: "partial frame then full frame", faults: []idcardsim.Fault{idcardsim.FaultPartial}},
		{name: "bad checksum is retried", faults: []idcardsim.Fault{idcardsim.FaultChecksum}},
		{name: "bad checksum on every try", faults: []idcardsim.Fault{idcardsim.FaultChecksum, idcardsim.FaultChecksum, idcardsim.FaultChecksum},
			wantErr: idcard.ErrChecksum, wantMsg: "读卡器通信错误，请重新放置身份证"},
		{name: "bad checksum without retries", faults: []idcardsim.Fault{idcardsim.FaultChecksum}, cfg: idcard.Config{Retries: -1},
			wantErr: idcard.ErrChecksum},
		{name: "no card", noCard: true, wantErr: idcard.ErrNoCard, wantMsg: "请将身份证放在感应区"},
		{name: "read failure", faults: []idcardsim.Fault{idcardsim.FaultReadFailure},
			wantErr: idcard.ErrReadFailed, wantMsg: "读卡失败，请重新放置身份证"},
		{name: "select failure", faults: []idcardsim.Fault{idcardsim.FaultSelectFailure},
			wantErr: idcard.ErrSelectFailed, wantMsg: "未能识别身份证，请重新放置"},
		{name: "no answer", faults: []idcardsim.Fault{idcardsim.FaultSilence}, cfg: idcard.Config{Timeout: 300 * time.Millisecond},
			wantErr: idcard.ErrTimeout, wantMsg: "读卡器无响应，请稍后再试"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := idcardsim.Options{Card: testCard()}
			if tt.noCard {
				opts.Card = nil
			}
			sim := newSim(t, opts)
			r := openReader(t, sim.Path(), tt.cfg)
			for _, f := range tt.faults {
				sim.InjectFault(f)
			}
			got, err := r.ReadCard(t.Context())
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ReadCard: %v", err)
				}
				if got.Number != testCard().Number {
					t.Errorf("ReadCard read another card: %v", got)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadCard error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" {
				if msg := idcard.Message(err); msg != tt.wantMsg {
					t.Errorf("Message = %q, want %q", msg, tt.wantMsg)
				}
			}
			// The reader must stay usable after the fault.
			sim.Lift()
			sim.Place(*testCard())
			if _, err := r.ReadCard(t.Context()); err != nil {
				t.Errorf("ReadCard after the fault: %v", err)
			}
		})
	}
}

func TestReaderUnplugReplug(t *testing.T) {
	sim := newSim(t, idcardsim.Options{Card: testCard()})
	r := openReader(t, sim.Path(), idcard.Config{})
	if _, err := r.ReadCard(t.Context()); err != nil {
		t.Fatalf("ReadCard: %v", err)
	}
	if err := sim.Unplug(); err != nil {
		t.Fatalf("Unplug: %v", err)
	}
	if _, err := r.ReadCard(t.Context()); !errors.Is(err, idcard.ErrDisconnected) {
		t.Errorf("ReadCard on an unplugged reader: error = %v, want ErrDisconnected", err)
	}
	if msg := idcard.Message(idcard.ErrDisconnected); msg != "读卡器未连接，请联系工作人员" {
		t.Errorf("Message(ErrDisconnected) = %q", msg)
	}
	r.Close()
	if _, err := idcard.Open(idcard.Config{Port: sim.Path(), Logger: quiet}); !errors.Is(err, idcard.ErrDisconnected) {
		t.Errorf("Open while unplugged: error = %v, want ErrDisconnected", err)
	}
	if err := sim.Replug(); err != nil {
		t.Fatalf("Replug: %v", err)
	}
	r2 := openReader(t, sim.Path(), idcard.Config{})
	if _, err := r2.ReadCard(t.Context()); err != nil {
		t.Errorf("ReadCard after replug: %v", err)
	}
}

func TestReaderContext(t *testing.T) {
	sim := newSim(t, idcardsim.Options{Card: testCard()})
	r := openReader(t, sim.Path(), idcard.Config{})

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.ReadCard(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadCard with a cancelled context: error = %v, want context.Canceled", err)
	}

	// A context that ends while the reader stays silent ends the exchange.
	sim.InjectFault(idcardsim.FaultSilence)
	ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := r.FindCard(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FindCard past the context's deadline: error = %v, want DeadlineExceeded", err)
	}
	r.Close()
	if err := r.FindCard(t.Context()); !errors.Is(err, idcard.ErrClosed) {
		t.Errorf("FindCard after Close: error = %v, want ErrClosed", err)
	}
}

// hungPort behaves like a serial port whose USB adapter was pulled: every read returns
// (0, io.EOF) at once instead of after the read time-out.
type hungPort struct {
	mu     sync.Mutex
	closed bool
}

func (p *hungPort) Read([]byte) (int, error)    { return 0, io.EOF }
func (p *hungPort) Write(b []byte) (int, error) { return len(b), nil }
func (p *hungPort) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

func TestReaderDetectsHangUp(t *testing.T) {
	r := idcard.NewReader(&hungPort{}, idcard.Config{Port: "hung", Logger: quiet, Timeout: 5 * time.Second})
	defer r.Close()
	if err := r.FindCard(t.Context()); !errors.Is(err, idcard.ErrDisconnected) {
		t.Errorf("FindCard on a hung-up port: error = %v, want ErrDisconnected", err)
	}
}

// TestOpenInUse opens the reader twice: the second open is refused with serialport.ErrInUse, so
// a doctor run cannot share the port with the kiosk.
func TestOpenInUse(t *testing.T) {
	sim := newSim(t, idcardsim.Options{})
	r := openReader(t, sim.Path(), idcard.Config{})
	if _, err := idcard.Open(idcard.Config{Port: sim.Path(), Logger: quiet}); !errors.Is(err, serialport.ErrInUse) {
		t.Errorf("second Open: %v, want ErrInUse", err)
	}
	if err := r.SAMStatus(t.Context()); err != nil {
		t.Errorf("SAMStatus after a refused second open: %v", err)
	}
}
