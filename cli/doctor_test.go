package cli

import (
	"bytes"
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

	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
)

// TestDoctorCommand runs "fengqiao doctor" end to end against a simulated hall: a reader on a
// pty, a printer on TCP, the real hub command and a centre on 127.0.0.1.
func TestDoctorCommand(t *testing.T) {
	dir := t.TempDir()
	reader, err := idcardsim.New(idcardsim.Options{Baud: -1, Link: filepath.Join(dir, "idcard")})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	prn, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer prn.Close()
	centre := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))
	defer centre.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hubAddr := ln.Addr().String()
	ln.Close()
	pin, err := bcrypt.GenerateFromPassword([]byte("97531"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "fengqiao.toml")
	text := fmt.Sprintf(`data_dir = "data"
[hall]
code = "330681201"
[[staff]]
name = "张三"
pin_hash = %q
[devices]
idcard_port = %q
printer = "tcp:%s"
[hub]
listen = %q
[[hub.tokens]]
role = "kiosk"
token = "e2e-kiosk-token-0123456789"
[centre]
sync_url = %q
public_url = "https://zz.zhuji.gov.cn"
token = "e2e-site-token-0123456789"
[kiosk]
staff_pin_hash = %[1]q
`, pin, reader.Path(), prn.Addr(), hubAddr, centre.URL)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	hubDone := make(chan int, 1)
	go func() {
		hubDone <- Execute(ctx, []string{"hub", "--config", cfg}, Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	}()
	defer func() {
		cancel()
		if code := <-hubDone; code != 0 {
			t.Errorf("the hub exited %d, want 0 after the interrupt", code)
		}
	}()
	waitListening(t, hubAddr)

	code, out := runCaptured(t, "doctor", "--config", cfg)
	if code != 0 || strings.Contains(out, "✘") {
		t.Fatalf("doctor exited %d, want 0 with every check passing:\n%s", code, out)
	}
	prn.SetPaper(printer.PaperOut)
	code, out = runCaptured(t, "doctor", "--config", cfg)
	if code != 1 || !strings.Contains(out, "✘ 打印机 receipt printer") || !strings.Contains(out, "处理：装入新的热敏纸卷") {
		t.Fatalf("doctor exited %d, want 1 with the paper out and its remedy:\n%s", code, out)
	}
}

// runCaptured runs the command line through Execute, as main does, and returns its exit code
// and what it printed on standard output.
func runCaptured(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := Execute(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errs})
	if errs.Len() > 0 {
		t.Logf("fengqiao %s: standard error:\n%s", strings.Join(args, " "), errs.String())
	}
	return code, out.String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("the hub does not listen on %s", addr)
}
