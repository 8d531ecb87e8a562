package doctor

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/devstate"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/devices/scanner/scannersim"
	"fengqiao/devices/serialport"
	"fengqiao/hub"
	"fengqiao/store"
)

// hall is a complete simulated hall: reader and scanner on ptys, a printer on TCP, a hub and a
// centre on 127.0.0.1, and a configuration file naming them all.
type hall struct {
	dir     string
	config  string
	reader  *idcardsim.Simulator
	printer *printertest.Simulator
	centre  *httptest.Server
	hall    *store.Hall
	doctor  *Doctor
}

func newHall(t *testing.T) *hall {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	h := &hall{dir: dir, config: filepath.Join(dir, "fengqiao.toml")}

	var err error
	h.reader, err = idcardsim.New(idcardsim.Options{Baud: -1, Link: filepath.Join(dir, "idcard"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.reader.Close() })
	scan, err := scannersim.New(scannersim.Options{Link: filepath.Join(dir, "scanner")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { scan.Close() })
	h.printer, err = printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.printer.Close() })
	h.centre = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			fmt.Fprintln(w, "ok")
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(h.centre.Close)

	pinHash, err := bcrypt.GenerateFromPassword([]byte("8642"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hubLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfgText := fmt.Sprintf(`data_dir = %q
[hall]
code = "330681201"
[[staff]]
name = "张三"
pin_hash = %q
[devices]
idcard_port = %q
scanner_port = %q
printer = "tcp:%s"
[hub]
listen = %q
[[hub.tokens]]
role = "kiosk"
token = "test-kiosk-token-0123456789"
[centre]
sync_url = %q
public_url = "https://zz.zhuji.gov.cn"
token = "site-token-0123456789"
`, filepath.Join(dir, "data"), pinHash, h.reader.Path(), scan.Path(), h.printer.Addr(), hubLn.Addr(), h.centre.URL)
	if err := os.WriteFile(h.config, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(h.config)
	if err != nil {
		t.Fatal(err)
	}

	db, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.hall = store.NewHall(db, cfg.Info(), cfg.Rules(), nil)
	srv := &http.Server{Handler: hub.NewServer(h.hall, map[string]app.Role{"test-kiosk-token-0123456789": "kiosk"}, quiet)}
	go srv.Serve(hubLn)
	t.Cleanup(func() { srv.Close() })

	h.doctor = &Doctor{
		ConfigPath:   h.config,
		ClockSync:    func(context.Context) (bool, error) { return true, nil },
		ProbeTimeout: time.Second,
		MinFree:      1, // the test machine's disk is not under test
	}
	return h
}

func TestDoctor(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, h *hall)
		check string // the check that must report want; all others must be OK or skipped
		want  Status
		says  string // the finding contains this
		fix   string // the Chinese remedy contains this
	}{
		{name: "all green", setup: func(*testing.T, *hall) {}},
		{
			name:  "reader unplugged",
			setup: func(t *testing.T, h *hall) { must(t, h.reader.Unplug()) },
			check: CheckReader, want: Fail, says: "not connected", fix: "USB",
		},
		{
			name:  "reader silent",
			setup: func(t *testing.T, h *hall) { h.reader.InjectFault(idcardsim.FaultSilence) },
			check: CheckReader, want: Fail, says: "does not answer", fix: "波特率",
		},
		{
			name:  "printer out of paper",
			setup: func(t *testing.T, h *hall) { h.printer.SetPaper(printer.PaperOut) },
			check: CheckPrinter, want: Fail, says: "paper out", fix: "纸卷",
		},
		{
			name:  "printer paper near end",
			setup: func(t *testing.T, h *hall) { h.printer.SetPaper(printer.PaperNearEnd) },
			check: CheckPrinter, want: Warn, says: "nearly used up", fix: "新纸卷",
		},
		{
			name:  "printer switched off",
			setup: func(t *testing.T, h *hall) { h.printer.SetSilent(true) },
			check: CheckPrinter, want: Fail, says: "no answer", fix: "电源",
		},
		{
			name:  "centre down",
			setup: func(t *testing.T, h *hall) { h.centre.Close() },
			check: CheckCentre, want: Fail, says: "unreachable", fix: "网络",
		},
		{
			name: "clock off",
			setup: func(t *testing.T, h *hall) {
				h.doctor.ClockSync = func(context.Context) (bool, error) { return false, nil }
				h.doctor.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
			},
			check: CheckClock, want: Fail, says: "off from the centre", fix: "timedatectl set-ntp true",
		},
		{
			name: "clock unknown but right",
			setup: func(t *testing.T, h *hall) {
				h.doctor.ClockSync = func(context.Context) (bool, error) { return false, ErrClockUnknown }
			},
			check: CheckClock, want: OK, says: "within",
		},
		{
			name:  "disk full",
			setup: func(t *testing.T, h *hall) { h.doctor.MinFree = 1 << 62 },
			check: CheckDisk, want: Fail, says: "free of", fix: "备份",
		},
		{
			name:  "example tokens",
			setup: func(t *testing.T, h *hall) { replaceInFile(t, h.config, "test-kiosk-token", "change-me-kiosk") },
			check: CheckConfig, want: Fail, says: "example", fix: "openssl rand",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHall(t)
			tt.setup(t, h)
			report := h.doctor.Run(context.Background())
			var out strings.Builder
			report.WriteTo(&out)
			t.Logf("report:\n%s", out.String())

			for _, res := range report {
				if res.Check == tt.check {
					continue
				}
				if res.Status != OK && res.Status != Skipped && !(tt.check == CheckConfig) {
					t.Errorf("%s: %s %q, want ok", res.Check, res.Status, res.Finding)
				}
			}
			if tt.check == "" {
				if report.Failed() || report.Count(Warn) > 0 {
					t.Errorf("not all green")
				}
				if n := report.Count(OK); n != 10 {
					t.Errorf("%d checks ok, want all 10", n)
				}
				return
			}
			res, found := report.Find(tt.check)
			if !found {
				t.Fatalf("no %s check in the report", tt.check)
			}
			if res.Status != tt.want || !strings.Contains(res.Finding, tt.says) {
				t.Errorf("%s: %s %q, want %s with %q", tt.check, res.Status, res.Finding, tt.want, tt.says)
			}
			if tt.want == OK {
				return
			}
			if !strings.Contains(res.Remedy.ZH, tt.fix) || res.Remedy.EN == "" {
				t.Errorf("%s: remedy %+v, want Chinese with %q and English", tt.check, res.Remedy, tt.fix)
			}
			if report.Failed() != (tt.want == Fail) {
				t.Errorf("report failed = %v, want %v", report.Failed(), tt.want == Fail)
			}
			if !strings.Contains(out.String(), "处理："+res.Remedy.ZH) || !strings.Contains(out.String(), "Fix:  "+res.Remedy.EN) {
				t.Errorf("the printed report lacks the remedy")
			}
		})
	}
}

func TestDoctorSyncBacklog(t *testing.T) {
	h := newHall(t)
	// A ticket whose events never reached the centre (no sync worker runs here), an hour old as
	// far as the doctor's clock is concerned.
	if _, err := h.hall.Issue(context.Background(), app.IssueRequest{Service: "legal"}); err != nil {
		t.Fatal(err)
	}
	h.doctor.Now = func() time.Time { return time.Now().Add(time.Hour) }
	h.doctor.MaxClockSkew = 2 * time.Hour
	report := h.doctor.Run(context.Background())
	res, _ := report.Find(CheckSync)
	if res.Status != Fail || !strings.Contains(res.Finding, "not at the centre") || res.Remedy.ZH == "" {
		t.Errorf("sync: %s %q %+v, want a failure with a remedy", res.Status, res.Finding, res.Remedy)
	}
}

func TestConfigUnreadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	must(t, os.WriteFile(path, []byte("[hall\nname = "), 0o600))
	report := (&Doctor{ConfigPath: path}).Run(context.Background())
	if len(report) != 1 || report[0].Status != Fail || report[0].Remedy.EN == "" {
		t.Fatalf("report %+v, want only a failed configuration with a remedy", report)
	}
}

func TestHubURL(t *testing.T) {
	for _, tt := range []struct {
		hub  config.Hub
		want string
	}{
		{config.Hub{Listen: "0.0.0.0:8470"}, "http://127.0.0.1:8470"},
		{config.Hub{Listen: ":8470"}, "http://127.0.0.1:8470"},
		{config.Hub{Listen: "[::]:8470"}, "http://127.0.0.1:8470"},
		{config.Hub{Listen: "192.168.1.5:8470"}, "http://192.168.1.5:8470"},
		{config.Hub{Listen: "0.0.0.0:8470", URL: "http://hub-pc:8470/"}, "http://hub-pc:8470"},
	} {
		if got := hubURL(tt.hub); got != tt.want {
			t.Errorf("hubURL(%+v) = %q, want %q", tt.hub, got, tt.want)
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	if got := displayWidth("打印机 printer"); got != 14 {
		t.Errorf("displayWidth = %d, want 14", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	must(t, os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o600))
}

// TestDoctorAsksTheKiosk: the ports the kiosk holds are not opened; the kiosk's device state
// socket says how its devices are, and a port some other process holds is named as such.
func TestDoctorAsksTheKiosk(t *testing.T) {
	h := newHall(t)
	pty, err := printertest.NewPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer pty.Close()
	replaceInFile(t, h.config, "tcp:"+h.printer.Addr(), "device:"+pty.Path())
	scannerPort := filepath.Join(h.dir, "scanner")
	for _, open := range []func() (io.Closer, error){
		func() (io.Closer, error) { return serialport.Open(scannerPort, serialport.Config{Baud: 9600}) },
		func() (io.Closer, error) { return serialport.OpenDevice(pty.Path()) },
		func() (io.Closer, error) { return serialport.Open(h.reader.Path(), serialport.Config{Baud: 115200}) },
	} {
		c, err := open()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	sockDir, err := os.MkdirTemp("", "fq")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(sockDir)
	h.doctor.KioskSocket = filepath.Join(sockDir, "kiosk.sock")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go devstate.Serve(ctx, h.doctor.KioskSocket, func() []devstate.Device {
		return []devstate.Device{{Name: "scanner", Port: scannerPort, State: "就绪"}, {Name: "printer", Port: pty.Path(), State: "缺纸"}}
	})
	time.Sleep(100 * time.Millisecond)

	report := h.doctor.Run(ctx)
	for _, tt := range []struct {
		check string
		want  Status
		says  string
	}{
		{CheckScanner, OK, "in use by the kiosk: 就绪"},
		{CheckPrinter, Warn, "in use by the kiosk: 缺纸"},
		{CheckReader, Fail, "in use by another process"},
	} {
		res, _ := report.Find(tt.check)
		if res.Status != tt.want || !strings.Contains(res.Finding, tt.says) {
			t.Errorf("%s: %s %q, want %s with %q", tt.check, res.Status, res.Finding, tt.want, tt.says)
		}
	}
	if got := pty.StatusRequests(); got != 0 {
		t.Errorf("the printer the kiosk holds was asked %d times", got)
	}
}
