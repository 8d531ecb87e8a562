package hub_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

// The crash test runs the hub as a child process: this test binary, re-executed with
// FENGQIAO_HUB_CHILD set to the database path.
func TestMain(m *testing.M) {
	if path := os.Getenv("FENGQIAO_HUB_CHILD"); path != "" {
		runChildHub(path)
		return
	}
	os.Exit(m.Run())
}

func runChildHub(path string) {
	db, err := store.Open(context.Background(), path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	hall := store.NewHall(db, testInfo(), app.DefaultRules(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready", ln.Addr().String())
	http.Serve(ln, hub.NewServer(hall, tokens, nil))
}

type ack struct {
	label, caseCode string
}

func TestCrashNeverLosesOrRepeatsATicket(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	kills := 200
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "hall.db")
	issued := map[string]ack{}     // every acknowledged ticket, by label
	calledAck := map[string]bool{} // every acknowledged call
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	ackedTotal := 0

	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "FENGQIAO_HUB_CHILD="+dbPath)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
		if err != nil || !ok {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child %d did not start: %q %v", k, line, err)
		}
		base := "http://" + addr

		// Clients issue and call tickets until the kill.
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var wg sync.WaitGroup
		for c := 0; c < 3; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				kc := hub.NewClient(base, kiosk)
				kc.Retries = 0
				wc := hub.NewClient(base, window)
				wc.Retries = 0
				services := []string{"petition", "legal", "mediation"}
				for i := 0; ctx.Err() == nil; i++ {
					if c == 2 {
						w := 1 + i%2
						tk, err := wc.Call(ctx, w)
						if err == nil {
							mu.Lock()
							calledAck[tk.Label] = true
							mu.Unlock()
							wc.Complete(ctx, w)
						} else if app.ErrorCode(err) == app.ECONFLICT {
							wc.Complete(ctx, w) // a call acknowledged before the last kill
						}
						continue
					}
					tk, err := kc.Issue(ctx, app.IssueRequest{Service: services[(i+c)%3]})
					if err != nil {
						continue // not acknowledged: the kill may have hit it
					}
					mu.Lock()
					if prev, dup := issued[tk.Label]; dup {
						t.Errorf("%s issued twice (cases %s and %s)", tk.Label, prev.caseCode, tk.CaseCode)
					}
					issued[tk.Label] = ack{tk.Label, tk.CaseCode}
					ackedTotal++
					mu.Unlock()
				}
			}(c)
		}
		time.Sleep(time.Duration(5+rng.IntN(120)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		cancel()
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}

		// After the crash, every acknowledged ticket is in the database as acknowledged.
		if k%20 == 19 || k == kills-1 {
			checkDatabase(t, dbPath, issued, calledAck)
		}
	}
	t.Logf("%d kills, %d tickets acknowledged, %d calls acknowledged, %s", kills, ackedTotal, len(calledAck), time.Since(start).Round(time.Millisecond))
	if ackedTotal < kills {
		t.Errorf("only %d tickets acknowledged over %d runs: the test did not exercise the hub", ackedTotal, kills)
	}
}

func checkDatabase(t *testing.T, path string, issued map[string]ack, called map[string]bool) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT t.label, c.code, t.status FROM tickets t JOIN cases c ON c.id = t.case_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	have := map[string]ack{}
	status := map[string]string{}
	for rows.Next() {
		var a ack
		var st string
		if err := rows.Scan(&a.label, &a.caseCode, &st); err != nil {
			t.Fatal(err)
		}
		if _, dup := have[a.label]; dup {
			t.Errorf("%s stored twice", a.label)
		}
		have[a.label], status[a.label] = a, st
	}
	for l, a := range issued {
		if have[l] != a {
			t.Errorf("acknowledged ticket %s (case %s) lost after a crash: stored %+v", l, a.caseCode, have[l])
		}
	}
	for l := range called {
		if status[l] == "waiting" {
			t.Errorf("acknowledged call of %s lost after a crash", l)
		}
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity check: %s %v", ok, err)
	}
}
