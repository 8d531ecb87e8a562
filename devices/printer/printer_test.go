package printer_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		reply   byte
		want    printer.PaperStatus
		message string
		wantErr bool
	}{
		{0x12, printer.PaperOK, "打印纸正常", false},
		{0x1E, printer.PaperNearEnd, "打印纸即将用完", false},
		{0x16, printer.PaperNearEnd, "打印纸即将用完", false}, // one near-end sensor bit
		{0x72, printer.PaperOut, "打印纸已用完", false},
		{0x32, printer.PaperOut, "打印纸已用完", false},
		{0x7E, printer.PaperOut, "打印纸已用完", false}, // out wins over near end
		{0x00, printer.PaperUnknown, "", true},
		{0x13, printer.PaperUnknown, "", true}, // bit 0 set
		{0x92, printer.PaperUnknown, "", true}, // bit 7 set
		{0x02, printer.PaperUnknown, "", true}, // bit 4 clear
	}
	for _, tt := range tests {
		got, err := printer.ParseStatus(tt.reply)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseStatus(%#02x) = %v, %v; want %v, error %v", tt.reply, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, printer.ErrBadReply) {
			t.Errorf("ParseStatus(%#02x) error %v is not ErrBadReply", tt.reply, err)
		}
		if !tt.wantErr && got.Message() != tt.message {
			t.Errorf("%v.Message() = %q, want %q", got, got.Message(), tt.message)
		}
	}
}

// escposJob is a real receipt, so the bytes hold everything a printer gets (raster QR included).
func escposJob(t *testing.T) printer.Job {
	t.Helper()
	rd, err := printing.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := rd.ESCPOS(receipt(), printing.ESCPOSOptions{Paper: printing.Paper58, QR: printing.QRRaster})
	if err != nil {
		t.Fatal(err)
	}
	return printer.Job{Title: "A003", Format: printer.FormatESCPOS, Data: b}
}

func receipt() printing.Receipt {
	return printing.Receipt{
		Hall: "枫桥镇综治中心", Service: "矛盾纠纷调解", Ticket: "A003", Ahead: 1, Issued: time.Now(),
		WaitAt: "请在大厅等候叫号", MaskedName: "张*丰", CaseCode: "7KQ2-M9XP-4HVT-W3RA",
		PublicURL: "https://zz.example.gov.cn",
	}
}

// waitReceived waits until the simulator has received n bytes.
func waitReceived(t *testing.T, sim *printertest.Simulator, n int) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := sim.Received()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// backends returns a printer of each raw kind wired to a fresh simulator.
func backends(t *testing.T) map[string]func(t *testing.T) (printer.Printer, *printertest.Simulator) {
	return map[string]func(t *testing.T) (printer.Printer, *printertest.Simulator){
		"device": func(t *testing.T) (printer.Printer, *printertest.Simulator) {
			sim, err := printertest.NewPTY()
			if err != nil {
				t.Skipf("no pseudo-terminals: %v", err)
			}
			t.Cleanup(func() { sim.Close() })
			return &printer.Device{Path: sim.Path()}, sim
		},
		"serial": func(t *testing.T) (printer.Printer, *printertest.Simulator) {
			sim, err := printertest.NewPTY()
			if err != nil {
				t.Skipf("no pseudo-terminals: %v", err)
			}
			t.Cleanup(func() { sim.Close() })
			return &printer.Serial{Port: sim.Path(), Baud: 115200}, sim
		},
		"network": func(t *testing.T) (printer.Printer, *printertest.Simulator) {
			sim, err := printertest.ListenTCP("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sim.Close() })
			return &printer.Network{Addr: sim.Addr()}, sim
		},
	}
}

func TestRawPrintersStatus(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			p, sim := open(t)
			for _, want := range []printer.PaperStatus{printer.PaperOK, printer.PaperNearEnd, printer.PaperOut, printer.PaperOK} {
				sim.SetPaper(want)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				got, err := p.Status(ctx)
				cancel()
				if err != nil || got != want {
					t.Errorf("Status = %v, %v; want %v", got, err, want)
				}
			}
			if n := sim.StatusRequests(); n != 4 {
				t.Errorf("simulator saw %d status requests, want 4", n)
			}
		})
	}
}

func TestRawPrintersPrint(t *testing.T) {
	job := escposJob(t)
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			p, sim := open(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := p.Print(ctx, job); err != nil {
				t.Fatal(err)
			}
			// The job, then GS r 1 (wait until printed) and DLE EOT 4 (paper left?).
			want := append(append(bytes.Clone(job.Data), printer.DrainRequest...), printer.StatusRequest...)
			if got := waitReceived(t, sim, len(want)); !bytes.Equal(got, want) {
				t.Errorf("printer received %d bytes, want the %d job bytes and the confirmation", len(got), len(job.Data))
			}
			if n := sim.DrainRequests(); n != 1 {
				t.Errorf("printer saw %d GS r 1 requests, want 1", n)
			}
			err := p.Print(ctx, printer.Job{Format: printer.FormatPDF, Data: []byte("%PDF-1.4")})
			if !errors.Is(err, printer.ErrFormat) {
				t.Errorf("PDF job: error %v, want ErrFormat", err)
			}
		})
	}
}

func TestRawPrintersSilent(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			p, sim := open(t)
			sim.SetSilent(true)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := p.Status(ctx)
			if !printer.IsUnreachable(err) || !errors.Is(err, printer.ErrNoReply) {
				t.Errorf("Status of a silent printer: %v, want unreachable, no reply", err)
			}
		})
	}
}

func TestRawPrintersBadReply(t *testing.T) {
	p, sim := backends(t)["network"](t)
	sim.SetReply(0xFF)
	if _, err := p.Status(context.Background()); !errors.Is(err, printer.ErrBadReply) || printer.IsUnreachable(err) {
		t.Errorf("Status with reply 0xFF: %v, want ErrBadReply", err)
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()
	missing := filepath.Join(t.TempDir(), "lp0")
	tests := []struct {
		name string
		p    printer.Printer
	}{
		{"unplugged usb", &printer.Device{Path: missing}},
		{"unplugged serial", &printer.Serial{Port: missing}},
		{"network refused", &printer.Network{Addr: closedAddr}},
	}
	job := printer.Job{Format: printer.FormatESCPOS, Data: []byte{0x1B, 0x40}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var u *printer.UnreachableError
			if err := tt.p.Print(ctx, job); !errors.As(err, &u) {
				t.Errorf("Print: %v, want *UnreachableError", err)
			}
			if _, err := tt.p.Status(ctx); !errors.As(err, &u) {
				t.Errorf("Status: %v, want *UnreachableError", err)
			}
		})
	}
}
