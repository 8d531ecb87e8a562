package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/config"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
	"fengqiao/printing/spool"
)

// TestPrintQueueCommands runs print-queue list, print and discard on a queue with a fresh and a
// stale receipt, printing to a fake network printer.
func TestPrintQueueCommands(t *testing.T) {
	sim, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	dir := t.TempDir()
	conf := filepath.Join(dir, "fengqiao.toml")
	body := fmt.Sprintf("data_dir = %q\n[devices]\nprinter = \"tcp:%s\"\n[kiosk]\nreceipt_max_age = \"10m\"\n", filepath.Join(dir, "data"), sim.Addr()) + hallEssentials
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(conf)
	if err != nil {
		t.Fatal(err)
	}
	q, err := spool.Open(cfg.PrintQueueDir(), 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r := printing.Receipt{Hall: "枫桥镇综治中心", Service: "矛盾纠纷调解", Ticket: "A001", Issued: time.Now(),
		CaseCode: "7KQ2-M9XP-4HVT-W3RA", PublicURL: "https://zz.example.gov.cn"}
	q.SetClock(func() time.Time { return time.Now().Add(-time.Hour) })
	stale, _ := q.Add(r)
	q.SetClock(time.Now)
	r.Ticket = "A002"
	fresh, _ := q.Add(r)

	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := Execute(context.Background(), append(args, "--config", conf), Streams{In: strings.NewReader(""), Out: &out, Err: &out})
		return code, out.String()
	}
	if code, out := run("print-queue", "list"); code != 0 || !strings.Contains(out, fresh.ID) || !strings.Contains(out, stale.ID+"  A001") ||
		!strings.Contains(out, "stale: print --force or discard") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if code, out := run("print-queue", "print", fresh.ID); code != 0 || !strings.Contains(out, "printed "+fresh.ID+"; paper: ok") {
		t.Errorf("print: exit %d\n%s", code, out)
	}
	if code, out := run("print-queue", "print", stale.ID); code != 1 || !strings.Contains(out, "--force") {
		t.Errorf("print a stale receipt: exit %d\n%s", code, out)
	}
	if code, out := run("print-queue", "print", stale.ID, "--force"); code != 0 {
		t.Errorf("print --force: exit %d\n%s", code, out)
	}
	if sim.DrainRequests() != 2 {
		t.Errorf("the printer confirmed %d jobs, want 2", sim.DrainRequests())
	}
	r.Ticket = "A003"
	extra, _ := q.Add(r)
	if code, out := run("print-queue", "discard", extra.ID); code != 0 || !strings.Contains(out, "discarded") {
		t.Errorf("discard: exit %d\n%s", code, out)
	}
	if code, out := run("print-queue", "discard", extra.ID); code != 1 || !strings.Contains(out, "no such job") {
		t.Errorf("discard again: exit %d\n%s", code, out)
	}
	if code, out := run("print-queue", "list"); code != 0 || !strings.Contains(out, "The print queue is empty") {
		t.Errorf("list at the end: exit %d\n%s", code, out)
	}
}

// hallEssentials is what every real hall's configuration must set (config.Load refuses a file
// without them).
const hallEssentials = `[hall]
code = "330681201"
[[staff]]
name = "张三"
pin_hash = "$2a$04$Vb3uQ0sW7d1x4Lk0xqQbZeJ8m3F6s1Yy0Qm5bq7QzF3v0r6wq9y2K"
[[hub.tokens]]
role = "kiosk"
token = "e2e-kiosk-token-0123456789"
[centre]
public_url = "https://zz.zhuji.gov.cn"
`
