package hallsync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
)

// The kill tests re-execute the test binary as the centre or as a busy hall; the environment
// variable childEnv says which.
const childEnv = "HALLSYNC_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "centre":
		err := runCentreChild()
		fmt.Fprintln(os.Stderr, "centre child:", err)
		os.Exit(1)
	case "hall":
		err := runHallChild()
		fmt.Fprintln(os.Stderr, "hall child:", err)
		os.Exit(1)
	}
}

// runCentreChild serves the centre API on FQ_DSN at FQ_ADDR until killed.
func runCentreChild() error {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, os.Getenv("FQ_DSN"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", os.Getenv("FQ_ADDR"))
	if err != nil {
		return err
	}
	return http.Serve(ln, center.NewServer(s, quietLogger()))
}

// runHallChild runs a busy hall on FQ_HALL with a sync worker until killed.
func runHallChild() error {
	ctx := context.Background()
	h, err := centertest.OpenHall(ctx, os.Getenv("FQ_HALL"))
	if err != nil {
		return err
	}
	w, err := hallsync.New(h, hallsync.Config{BaseURL: os.Getenv("FQ_URL"), Token: os.Getenv("FQ_TOKEN"), BatchSize: 50,
		Interval: 5 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		return err
	}
	go w.Run(ctx)
	seed, _ := strconv.ParseUint(os.Getenv("FQ_SEED"), 10, 64)
	rnd := rand.New(rand.NewPCG(seed, 11))
	for i := 0; ; i++ {
		if err := hallAct(ctx, h, rnd, i); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

// TestKillNine kills the centre and the hall with SIGKILL at random moments while they sync, and
// restarts them; once left alone, both hold the same records, each once.
func TestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes for several seconds")
	}
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.DSN(t)
			s, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			token, hash := center.NewToken()
			site, err := s.AddSite(ctx, "城关镇", hash)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			hallPath := filepath.Join(dir, "hall.db")
			h, err := centertest.OpenHall(ctx, hallPath)
			if err != nil {
				t.Fatal(err)
			}
			h.DB().Close()
			addr := freeAddr(t)
			logf, err := os.Create(filepath.Join(dir, "children.log"))
			if err != nil {
				t.Fatal(err)
			}
			defer logf.Close()

			seed := 0
			start := func(kind string) *exec.Cmd {
				seed++
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), childEnv+"="+kind, "FQ_DSN="+dsn, "FQ_ADDR="+addr, "FQ_HALL="+hallPath,
					"FQ_URL=http://"+addr, "FQ_TOKEN="+token, "FQ_SEED="+strconv.Itoa(seed))
				cmd.Stdout, cmd.Stderr = logf, logf
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			kill := func(cmd *exec.Cmd) {
				cmd.Process.Kill() // SIGKILL
				cmd.Wait()
			}
			children := map[string]*exec.Cmd{"centre": start("centre"), "hall": start("hall")}
			defer func() {
				for _, c := range children {
					kill(c)
				}
			}()

			rnd := rand.New(rand.NewPCG(5, 8))
			kills := map[string]int{}
			for round := range 12 {
				until := time.Now().Add(time.Duration(100+rnd.IntN(300)) * time.Millisecond)
				for time.Now().Before(until) {
					if err := centreAct(ctx, s, rnd, round); err != nil {
						t.Fatal(err)
					}
					time.Sleep(5 * time.Millisecond)
				}
				victims := [][]string{{"centre"}, {"hall"}, {"centre", "hall"}}[rnd.IntN(3)]
				for _, v := range victims {
					kill(children[v])
					kills[v]++
					children[v] = start(v)
				}
			}
			// Stop the busy hall for good (one more SIGKILL) and drain its outbox in-process.
			kill(children["hall"])
			delete(children, "hall")
			t.Logf("SIGKILLs: %v", kills)

			h, err = centertest.OpenHall(ctx, hallPath)
			if err != nil {
				t.Fatal(err)
			}
			defer h.DB().Close()
			if err := h.DB().Integrity(ctx); err != nil {
				t.Fatal(err)
			}
			w, err := hallsync.New(h, hallsync.Config{BaseURL: "http://" + addr, Token: token, Interval: 5 * time.Millisecond,
				MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Logger: quietLogger()})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- w.Run(runCtx) }()
			waitSettled(t, h.DB(), s, site.ID)
			stop()
			<-done
			assertConverged(t, h.DB(), s, site.ID)
		})
	}
}

// freeAddr returns a loopback address with a port that is free now.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
