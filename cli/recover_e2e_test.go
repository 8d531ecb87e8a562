package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"

	"golang.org/x/crypto/bcrypt"
)

// These tests run the real binaries: fengqiao-center serving a centre database and fengqiao hub
// serving a hall that syncs to it, over HTTP. A hall restored from a backup, and a hall rebuilt
// from an empty data folder with --recover, must end with everything it had acknowledged, the
// centre with everything the hall has, and no ticket number issued twice.

const (
	kioskToken  = "kiosk-token-0123456789abcdef"
	windowToken = "window-token-0123456789abcdef"
)

func TestRestoreAndRecoverThroughBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both binaries")
	}
	bin := t.TempDir()
	for _, b := range [][2]string{{"fengqiao", "fengqiao"}, {"fengqiao-center", "fengqiao/cmd/fengqiao-center"}} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, b[0]), b[1]).CombinedOutput()
		if err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	for _, be := range centertest.Backends() {
		for _, mode := range []string{"restore", "recover"} {
			t.Run(be.Name+"/"+mode, func(t *testing.T) {
				runScenario(t, bin, be.DSN(t), mode)
			})
		}
	}
}

// world is a centre and a hall as processes.
type world struct {
	t                 *testing.T
	bin, dir, cfg     string
	dsn               string
	centreURL, hubURL string
	centre, hub       *exec.Cmd
	labels            map[string]bool // every label issued, to catch one issued twice
	codes             []string        // the case code of every receipt the hall issued and acknowledged
}

func runScenario(t *testing.T, bin, dsn, mode string) {
	w := &world{t: t, bin: bin, dir: t.TempDir(), dsn: dsn, labels: map[string]bool{}}
	token := strings.TrimSpace(w.run("fengqiao-center", "site", "add", "--db", dsn, "测试大厅"))
	w.centreURL = "http://" + freeAddr(t)
	w.hubURL = "http://" + freeAddr(t)
	w.writeConfig(token)
	w.startCentre()
	w.startHub()

	w.issue(3)
	w.waitSynced()
	backup := filepath.Join(w.dir, "backup.db")
	w.run("fengqiao", "backup", "--config", w.cfg, "--out", backup)
	w.issue(5) // pushed after the backup: only the centre keeps them through a restore
	w.waitSynced()

	// Two more that never leave the hall: the centre is down. A display saw them.
	w.stop(w.centre)
	w.issue(2)
	oldEpoch, lastSeen := w.hallEpoch()
	w.stop(w.hub)
	lostCodes := slices.Clone(w.codes[len(w.codes)-2:])
	w.codes = w.codes[:len(w.codes)-2]
	w.startCentre()

	switch mode {
	case "restore":
		w.run("fengqiao", "restore", "--config", w.cfg, backup)
		w.startHub()
	case "recover":
		if err := os.Rename(filepath.Join(w.dir, "data"), filepath.Join(w.dir, "dead-disk")); err != nil {
			t.Fatal(err)
		}
		w.startHub("--recover")
	}
	// The display reconnects with the last id it saw, of the old epoch.
	w.reportLastEvent(oldEpoch, lastSeen)
	w.issue(3)
	w.waitSynced()
	var st struct {
		Lost int64 `json:"lost"`
	}
	w.get(w.hubURL+"/api/v1/sync", windowToken, &st)
	if st.Lost != 4 { // each ticket for a new visitor is two events: case.opened, ticket.issued
		t.Errorf("sync state reports %d lost events, want 4", st.Lost)
	}
	w.stop(w.hub)
	w.compare()
	for _, code := range w.codes {
		if status := w.status(w.centreURL + "/t/" + code); status != http.StatusOK {
			t.Errorf("receipt %s: the centre answers %d", code, status)
		}
	}
	for _, code := range lostCodes {
		if status := w.status(w.centreURL + "/t/" + code); status != http.StatusNotFound {
			t.Errorf("lost receipt %s: the centre answers %d, want 404", code, status)
		}
	}
	w.stop(w.centre)
}

func (w *world) writeConfig(token string) {
	w.cfg = filepath.Join(w.dir, "fengqiao.toml")
	pin, err := bcrypt.GenerateFromPassword([]byte("86420"), bcrypt.MinCost)
	if err != nil {
		w.t.Fatal(err)
	}
	conf := fmt.Sprintf(`data_dir = %q
[hall]
code = "330681201"
[[staff]]
name = "张三"
pin_hash = %q
[kiosk]
staff_pin_hash = %[2]q
[queue]
per_id_limit = -1
[hub]
listen = %q
[[hub.tokens]]
role = "kiosk"
token = %q
[[hub.tokens]]
role = "window"
token = %q
[centre]
sync_url = %q
public_url = %[6]q
token = %q
`, filepath.Join(w.dir, "data"), pin, strings.TrimPrefix(w.hubURL, "http://"), kioskToken, windowToken, w.centreURL, token)
	if err := os.WriteFile(w.cfg, []byte(conf), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) run(name string, args ...string) string {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(w.bin, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		w.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func (w *world) start(url, name string, args ...string) *exec.Cmd {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(w.bin, name), args...)
	logf, err := os.Create(filepath.Join(w.dir, name+".log"))
	if err != nil {
		w.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); logf.Close() })
	deadline := time.Now().Add(60 * time.Second)
	for w.status(url+"/healthz") != http.StatusOK {
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			w.t.Fatalf("%s did not answer at %s:\n%s", name, url, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cmd
}

func (w *world) startCentre() {
	w.centre = w.start(w.centreURL, "fengqiao-center", "serve", "--db", w.dsn, "--listen", strings.TrimPrefix(w.centreURL, "http://"))
}

func (w *world) startHub(extra ...string) {
	w.hub = w.start(w.hubURL, "fengqiao", append([]string{"hub", "--config", w.cfg}, extra...)...)
}

func (w *world) stop(cmd *exec.Cmd) {
	w.t.Helper()
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		w.t.Fatalf("%s did not stop", cmd.Path)
	}
}

func (w *world) status(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (w *world) get(url, token string, out any) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		w.t.Fatalf("GET %s: %v", url, err)
	}
}

// issue issues n tickets at the kiosk, each for a new visitor (so each opens a case).
func (w *world) issue(n int) {
	w.t.Helper()
	services := []string{"petition", "legal", "hotline"}
	for range n {
		i := len(w.codes)
		body, _ := json.Marshal(app.IssueRequest{Service: services[i%len(services)],
			Visitor: &app.Visitor{IDNumber: centertest.IDNumber(i + 1), Name: fmt.Sprintf("访客%d", i+1)}})
		req, _ := http.NewRequest(http.MethodPost, w.hubURL+"/api/v1/tickets", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+kioskToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.t.Fatal(err)
		}
		var tk app.Ticket
		err = json.NewDecoder(resp.Body).Decode(&tk)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			w.t.Fatalf("issue: %d %v", resp.StatusCode, err)
		}
		if w.labels[tk.Day+tk.Label] {
			w.t.Errorf("label %s issued twice on %s", tk.Label, tk.Day)
		}
		w.labels[tk.Day+tk.Label] = true
		w.codes = append(w.codes, tk.CaseCode)
	}
}

func (w *world) waitSynced() {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			Backlog   int64  `json:"backlog"`
			LastError string `json:"last_error"`
		}
		w.get(w.hubURL+"/api/v1/sync", windowToken, &st)
		if st.Backlog == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the hall still has %d events for the centre; last error %q", st.Backlog, st.LastError)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// hallEpoch reads the hall's epoch and newest event id, as a display's Last-Event-ID shows them.
func (w *world) hallEpoch() (string, int64) {
	db := w.openHall()
	defer db.Close()
	var epoch string
	var last int64
	if err := db.QueryRow("SELECT value FROM hall_meta WHERE key = 'epoch'").Scan(&epoch); err != nil {
		w.t.Fatal(err)
	}
	if err := db.QueryRow("SELECT max(id) FROM events").Scan(&last); err != nil {
		w.t.Fatal(err)
	}
	return epoch, last
}

func (w *world) openHall() *sql.DB {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(w.dir, "data", "fengqiao.db")+"?mode=ro")
	if err != nil {
		w.t.Fatal(err)
	}
	return db
}

// reportLastEvent connects to the event stream as a display that last saw the id of epoch.
func (w *world) reportLastEvent(epoch string, id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.hubURL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+windowToken)
	req.Header.Set("Last-Event-ID", fmt.Sprintf("%s-%d", epoch, id))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	buf := make([]byte, 512)
	resp.Body.Read(buf) // the reset event: the hub has taken note
	resp.Body.Close()
}

// compare checks that the hall and the centre hold the same tickets, cases, events and history.
func (w *world) compare() {
	w.t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, w.dsn)
	if err != nil {
		w.t.Fatal(err)
	}
	defer st.Close()
	site, err := st.SiteByName(ctx, "测试大厅")
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := st.Stats(ctx, site.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	db := w.openHall()
	defer db.Close()
	for _, q := range []struct {
		name   string
		query  string
		centre int64
	}{
		{"tickets", "SELECT count(*) FROM tickets", c.Tickets},
		{"cases", "SELECT count(*) FROM cases", c.Cases},
		{"events", "SELECT count(*) FROM events", c.Events},
		{"history entries", "SELECT count(*) FROM case_entries", c.Entries},
	} {
		var hall int64
		if err := db.QueryRow(q.query).Scan(&hall); err != nil {
			w.t.Fatal(err)
		}
		if hall != q.centre {
			w.t.Errorf("%s: hall %d, centre %d", q.name, hall, q.centre)
		}
	}
	if want := int64(3 + 5 + 3); c.Tickets != want {
		w.t.Errorf("the centre holds %d tickets, want %d", c.Tickets, want)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
