package printer_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
)

// bigJob is an ESC/POS job of n bytes: initialise, then lines of text.
func bigJob(n int) printer.Job {
	data := append([]byte{0x1B, 0x40}, bytes.Repeat([]byte("0123456789abcdef0123456789abcdef012345678901234\n"), n/48+1)...)
	return printer.Job{Format: printer.FormatESCPOS, Data: data[:n]}
}

// stallable returns each raw back-end with a short stall time.
func stallable(t *testing.T, stall time.Duration) map[string]func(t *testing.T) (printer.Printer, *printertest.Simulator) {
	out := map[string]func(t *testing.T) (printer.Printer, *printertest.Simulator){}
	for name, open := range backends(t) {
		out[name] = func(t *testing.T) (printer.Printer, *printertest.Simulator) {
			p, sim := open(t)
			switch p := p.(type) {
			case *printer.Device:
				p.Stall = stall
			case *printer.Serial:
				p.Stall = stall
			case *printer.Network:
				p.Stall = stall
			}
			return p, sim
		}
	}
	return out
}

// TestSilentPrinterStalls: a printer that takes the job but never confirms it fails within the
// stall time, even with no deadline on the context (it used to hold the kiosk for 20 s).
func TestSilentPrinterStalls(t *testing.T) {
	for name, open := range stallable(t, 200*time.Millisecond) {
		t.Run(name, func(t *testing.T) {
			p, sim := open(t)
			sim.SetSilent(true)
			start := time.Now()
			err := p.Print(context.Background(), bigJob(2000))
			if !errors.Is(err, printer.ErrStalled) || !printer.IsUnreachable(err) {
				t.Errorf("Print to a silent printer: %v, want ErrStalled, unreachable", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Print took %v with a 200ms stall time", d)
			}
			if err != nil && !strings.Contains(err.Error(), "200ms") {
				t.Errorf("message %q does not give the stall time", err)
			}
		})
	}
}

// TestPrinterStopsReading: a printer that stops taking data blocks the writes; the stall time
// ends them, and so does the context's deadline, on every back-end.
func TestPrinterStopsReading(t *testing.T) {
	job := bigJob(4 << 20)
	for name, open := range stallable(t, 200*time.Millisecond) {
		t.Run(name+"/stall", func(t *testing.T) {
			p, sim := open(t)
			sim.SetStopReading(true)
			start := time.Now()
			if err := p.Print(context.Background(), job); !errors.Is(err, printer.ErrStalled) {
				t.Errorf("Print: %v, want ErrStalled", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Print took %v with a 200ms stall time", d)
			}
		})
	}
	for name, open := range stallable(t, time.Minute) {
		t.Run(name+"/deadline", func(t *testing.T) {
			p, sim := open(t)
			sim.SetStopReading(true)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := p.Print(ctx, job)
			if !errors.Is(err, context.DeadlineExceeded) || !printer.IsUnreachable(err) {
				t.Errorf("Print: %v, want the context's deadline", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Print took %v with a 300ms deadline", d)
			}
		})
	}
}

// TestNetworkPrinterResetsMidJob: the printer drops the connection after 4 KB of an 18 KB job;
// the job failed, and says so.
func TestNetworkPrinterResetsMidJob(t *testing.T) {
	p, sim := stallable(t, 2*time.Second)["network"](t)
	sim.SetResetAfter(4096)
	err := p.Print(context.Background(), bigJob(18*1024))
	if !errors.Is(err, printer.ErrDropped) || !printer.IsUnreachable(err) {
		t.Fatalf("Print: %v, want ErrDropped", err)
	}
	if !strings.Contains(err.Error(), "dropped the connection") {
		t.Errorf("message %q does not say the connection dropped", err)
	}
}

// TestPaperAfterJob: the paper status after the job; near end is a success to tell staff
// about, out is a failure.
func TestPaperAfterJob(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			p, sim := open(t)
			sim.SetPaper(printer.PaperNearEnd)
			st, err := printer.PrintJob(context.Background(), p, bigJob(500))
			if err != nil || st != printer.PaperNearEnd || !st.NeedsStaff() {
				t.Errorf("near end: %v, %v; want near end, no error", st, err)
			}
			sim.SetPaper(printer.PaperOut)
			if st, err := printer.PrintJob(context.Background(), p, bigJob(500)); !errors.Is(err, printer.ErrPaperOut) || st != printer.PaperOut {
				t.Errorf("out: %v, %v; want ErrPaperOut", st, err)
			}
			sim.SetPaper(printer.PaperOK)
			if st, err := printer.PrintJob(context.Background(), p, bigJob(500)); err != nil || st != printer.PaperOK || st.NeedsStaff() {
				t.Errorf("ok: %v, %v", st, err)
			}
		})
	}
}

func TestRound(t *testing.T) {
	for _, tt := range []struct{ in, want time.Duration }{
		{1201475694 * time.Nanosecond, time.Second},
		{3*time.Second + 400*time.Millisecond, 3 * time.Second},
		{1234567 * time.Nanosecond, time.Millisecond},
	} {
		if got := printer.Round(tt.in); got != tt.want {
			t.Errorf("Round(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
