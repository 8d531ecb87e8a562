package spool_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
	"fengqiao/printing/receiptprint"
	"fengqiao/printing/spool"
)

func receipt(ticket string) printing.Receipt {
	return printing.Receipt{Hall: "枫桥镇综治中心", Service: "矛盾纠纷调解", Ticket: ticket, Issued: time.Now(),
		MaskedName: "张*丰", CaseCode: "7KQ2-M9XP-4HVT-W3RA", PublicURL: "https://zz.example.gov.cn"}
}

// recorder prints to a fake TCP printer through the one print path and records the tickets of
// the receipts the printer confirmed.
type recorder struct {
	p printer.Printer

	mu      sync.Mutex
	printed []string
}

func newRecorder(t *testing.T, sim *printertest.Simulator) *recorder {
	p, err := printer.Open("tcp:"+sim.Addr(), printer.Settings{Stall: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &recorder{p: p}
}

func (r *recorder) print(ctx context.Context, rc printing.Receipt) (printer.PaperStatus, error) {
	st, err := receiptprint.Print(ctx, r.p, rc, receiptprint.Options{})
	if err == nil {
		r.mu.Lock()
		r.printed = append(r.printed, rc.Ticket)
		r.mu.Unlock()
	}
	return st, err
}

func (r *recorder) tickets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.printed...)
}

func fakePrinter(t *testing.T) *printertest.Simulator {
	sim, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

// waitEmpty waits until the queue holds no job.
func waitEmpty(t *testing.T, q *spool.Queue) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if jobs, err := q.Jobs(); err == nil && len(jobs) == 0 {
			return
		}
	}
	jobs, _ := q.Jobs()
	t.Fatalf("%d job(s) still queued", len(jobs))
}

func startWorker(t *testing.T, w *spool.Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestPrinterBack: receipts taken while the printer is out of paper wait, then print in order
// once paper is loaded; the conditions raise alerts on change only.
func TestPrinterBack(t *testing.T) {
	sim := fakePrinter(t)
	sim.SetPaper(printer.PaperOut)
	rec := newRecorder(t, sim)
	q, err := spool.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var changes []spool.Condition
	w := spool.NewWorker(q, rec.print, spool.WorkerOptions{MinRetry: 50 * time.Millisecond, MaxRetry: 100 * time.Millisecond,
		OnChange: func(c spool.Condition) { mu.Lock(); changes = append(changes, c); mu.Unlock() }})
	startWorker(t, w)
	for _, ticket := range []string{"A001", "A002", "A003"} {
		if err := w.PrintReceipt(context.Background(), receipt(ticket)); !errors.Is(err, printer.ErrPaperOut) {
			t.Fatalf("receipt %s without paper: %v, want ErrPaperOut", ticket, err)
		}
	}
	if got := rec.tickets(); len(got) != 0 {
		t.Fatalf("printed without paper: %v", got)
	}
	time.Sleep(300 * time.Millisecond) // a few retries
	sim.SetPaper(printer.PaperNearEnd)
	waitEmpty(t, q)
	if got := strings.Join(rec.tickets(), " "); got != "A001 A002 A003" {
		t.Errorf("printed %q, want A001 A002 A003 in order", got)
	}
	if err := w.PrintReceipt(context.Background(), receipt("A004")); err != nil {
		t.Errorf("receipt with paper: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(changes) != fmt.Sprint([]spool.Condition{spool.PaperOut, spool.NearEnd}) {
		t.Errorf("conditions %v, want paper out then near end, once each", changes)
	}
	if w.Condition().Label() != "纸将用尽" || spool.PaperOut.Alert() != "打印机缺纸" {
		t.Errorf("condition %s", w.Condition().Label())
	}
}

// TestStale: a receipt older than the maximum age is not printed without force, and stays.
func TestStale(t *testing.T) {
	sim := fakePrinter(t)
	rec := newRecorder(t, sim)
	q, err := spool.Open(t.TempDir(), 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	q.SetClock(func() time.Time { return now })
	old, _ := q.Add(receipt("A001"))
	now = now.Add(9 * time.Minute)
	fresh, _ := q.Add(receipt("A002"))
	now = now.Add(2 * time.Minute) // A001 is 11 minutes old, A002 2

	w := spool.NewWorker(q, rec.print, spool.WorkerOptions{})
	startWorker(t, w)
	for end := time.Now().Add(5 * time.Second); len(rec.tickets()) == 0 && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
	}
	jobs, err := q.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.tickets(), " "); got != "A002" {
		t.Errorf("printed %q, want only the fresh A002", got)
	}
	if len(jobs) != 1 || jobs[0].ID != old.ID || !jobs[0].Stale {
		t.Fatalf("queue %+v, want only %s, stale", jobs, old.ID)
	}
	if _, err := q.Print(context.Background(), old.ID, false, rec.print); !errors.Is(err, spool.ErrStale) {
		t.Errorf("print a stale job: %v, want ErrStale", err)
	}
	if _, err := q.Print(context.Background(), old.ID, true, rec.print); err != nil {
		t.Errorf("print a stale job with force: %v", err)
	}
	if _, err := q.Print(context.Background(), fresh.ID, false, rec.print); !errors.Is(err, spool.ErrNotFound) {
		t.Errorf("print a printed job: %v, want ErrNotFound", err)
	}
	if got := strings.Join(rec.tickets(), " "); got != "A002 A001" {
		t.Errorf("printed %q", got)
	}
}

func TestDiscardAndIDs(t *testing.T) {
	q, err := spool.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	q.SetClock(func() time.Time { return now })
	a, _ := q.Add(receipt("A001"))
	b, _ := q.Add(receipt("A001"))
	if a.ID != "20260301-090000-A001" || b.ID != "20260301-090000-A001-2" {
		t.Errorf("ids %s, %s", a.ID, b.ID)
	}
	for _, id := range []string{"../x", "", a.ID + ".json"} {
		if err := q.Discard(id); !errors.Is(err, spool.ErrNotFound) {
			t.Errorf("Discard(%q): %v, want ErrNotFound", id, err)
		}
	}
	if err := q.Discard(a.ID); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := q.Jobs(); len(jobs) != 1 || jobs[0].ID != b.ID {
		t.Errorf("after discard: %+v", jobs)
	}
}

// TestJobFileHoldsNoPersonalData: the job file holds what the receipt prints, nothing more.
func TestJobFileHoldsNoPersonalData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "print-queue")
	q, _ := spool.Open(dir, 0)
	j, err := q.Add(receipt("A001"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, j.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "330681") || !strings.Contains(string(b), "张*丰") {
		t.Errorf("job file:\n%s", b)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm()&0o077 != 0 {
		t.Errorf("queue folder mode %v, want owner only", st.Mode().Perm())
	}
}

const childEnv = "FENGQIAO_SPOOL_CHILD"

// TestKill9: a kiosk that queues receipts while its printer does not answer is killed with
// SIGKILL; after the restart every receipt it acknowledged is still queued, and each prints
// exactly once when the printer answers.
func TestKill9(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		child()
		return
	}
	sim := fakePrinter(t)
	sim.SetSilent(true)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir+"|"+sim.Addr())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 25 {
		if id, ok := strings.CutPrefix(sc.Text(), "queued "); ok {
			acked[id] = true
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if len(acked) < 25 {
		t.Fatalf("the child acknowledged %d jobs", len(acked))
	}

	claimed, _ := filepath.Glob(filepath.Join(dir, "*.printing"))
	t.Logf("killed with %d acknowledged jobs, %d of them being printed", len(acked), len(claimed))
	q, err := spool.Open(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetSilent(false)
	rec := newRecorder(t, sim)
	startWorker(t, spool.NewWorker(q, rec.print, spool.WorkerOptions{MinRetry: 50 * time.Millisecond}))
	waitEmpty(t, q)
	count := map[string]int{}
	for _, ticket := range rec.tickets() {
		count[ticket]++
	}
	for id := range acked {
		ticket := id[strings.LastIndex(id, "-")+1:]
		if count[ticket] != 1 {
			t.Errorf("acknowledged job %s printed %d times", id, count[ticket])
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// child queues receipts as fast as it can while a worker tries to print them to a silent
// printer, acknowledging each on stdout once Add returned, until it is killed.
func child() {
	dir, addr, _ := strings.Cut(os.Getenv(childEnv), "|")
	q, err := spool.Open(dir, time.Hour)
	if err != nil {
		panic(err)
	}
	p, _ := printer.Open("tcp:"+addr, printer.Settings{Stall: 20 * time.Millisecond})
	w := spool.NewWorker(q, func(ctx context.Context, r printing.Receipt) (printer.PaperStatus, error) {
		return receiptprint.Print(ctx, p, r, receiptprint.Options{})
	}, spool.WorkerOptions{MinRetry: time.Millisecond, MaxRetry: 5 * time.Millisecond})
	go w.Run(context.Background())
	for i := 1; ; i++ {
		j, err := q.Add(receipt(fmt.Sprintf("T%04d", i)))
		if err != nil {
			panic(err)
		}
		w.Wake()
		fmt.Printf("queued %s\n", j.ID)
		time.Sleep(3 * time.Millisecond)
	}
}

// TestRecoverRemovesOnlyOtherProcessesTemporaryFiles: a write another process left unfinished is
// removed; one of this process may be under way and stays.
func TestRecoverRemovesOnlyOtherProcessesTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	q, err := spool.Open(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(dir, ".tmp-1-20261202-025647-T0001-3177419953")
	mine := filepath.Join(dir, ".tmp-"+strconv.Itoa(os.Getpid())+"-20261202-025648-T0002-42")
	for _, p := range []string{dead, mine} {
		if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Recover(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("another process's unfinished write is still there (%v)", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("this process's write under way was removed: %v", err)
	}
}
