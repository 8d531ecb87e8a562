package kiosk

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	kt "fengqiao/screens/theme"
	"fengqiao/store"
)

// rssKB reads the resident set size of this process.
func rssKB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(rest)[0])
			return n
		}
	}
	return 0
}

// BenchmarkColdStartHome measures a kiosk from nothing to its first home-screen frame
// (Fyne's software test canvas at 1920×1080), with the hall opened from a fresh database.
func BenchmarkColdStartHome(b *testing.B) {
	cfg := config.Default()
	for i := 0; i < b.N; i++ {
		db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "db"))
		if err != nil {
			b.Fatal(err)
		}
		hall := store.NewHall(db, cfg.Info(), cfg.Rules(), nil)
		a := test.NewTempApp(b)
		a.Settings().SetTheme(kt.Kiosk())
		k := New(context.Background(), Options{Hall: hall, Sync: true, Post: func(f func()) { f() }})
		w := test.NewWindow(k.Content())
		w.Resize(Landscape)
		w.Canvas().Capture()
		w.Close()
		db.Close()
	}
}

// TestCheckInMemory walks 1,000 card check-ins through the real widgets in one process (tickets
// issued in-process, receipts rendered as PDF) and reports the RSS after 100 and after 1,000. Set
// KIOSK_MEM=1 to run it, with FYNE_CACHE=2s to compress Fyne's one-minute renderer cache as the
// test compresses a minute's visit into a tenth of a second; see docs/performance.md.
func TestCheckInMemory(t *testing.T) {
	if os.Getenv("KIOSK_MEM") == "" {
		t.Skip("set KIOSK_MEM=1 to measure memory over 1,000 check-ins")
	}
	checkIns := 1000
	if n, err := strconv.Atoi(os.Getenv("KIOSK_MEM")); err == nil && n > 100 {
		checkIns = n
	}
	e := newEnv(t, envOpts{})
	card := idcardsim.TestIdentity()
	var at100 int
	mem := func() int {
		debug.FreeOSMemory()
		return rssKB()
	}
	var ms runtime.MemStats
	heap := func() uint64 { runtime.ReadMemStats(&ms); return ms.HeapInuse >> 10 }
	t.Logf("RSS at the home screen: %d KB (Go heap in use %d KB)", mem(), heap())
	start := time.Now()
	for i := 1; i <= checkIns; i++ {
		c := card
		c.Number = withCheck(fmt.Sprintf("33%04d19800101%03d", 681+i/1000, i%1000))
		e.k.CardEvent(idcard.Event{Kind: idcard.EventCard, State: idcard.StateReady, Card: c})
		e.step(StepService)
		e.tap(e.k.opts.Info.Services[i%4].Name)
		e.step(StepConfirm)
		e.tap("同意并取号")
		e.step(StepPhone)
		e.tap("不留电话，直接取号")
		e.step(StepResult)
		e.tap("完成")
		e.step(StepHome)
		if i%25 == 0 {
			// A real screen paints continuously and Fyne drops the renderers of screens gone for
			// FYNE_CACHE (1 min by default); the test canvas does so when it paints.
			e.w.Canvas().Capture()
		}
		if i == 100 {
			at100 = mem()
			t.Logf("after 100: RSS %d KB, Go heap in use %d KB", at100, heap())
		}
	}
	at1000 := mem()
	t.Logf("after all: Go heap in use %d KB", heap())
	if f := os.Getenv("KIOSK_MEMPROFILE"); f != "" {
		out, _ := os.Create(f)
		pprof.WriteHeapProfile(out)
		out.Close()
	}
	growth := float64(at1000-at100) / float64(at100) * 100
	t.Logf("1,000 check-ins in %v; RSS after 100: %d KB, after 1,000: %d KB (%+.1f%%)", time.Since(start).Round(time.Millisecond), at100, at1000, growth)
	if growth > 10 {
		t.Errorf("RSS grew %.1f%% after the first 100 check-ins (limit 10%%)", growth)
	}
	q, _ := e.store.Queue(e.ctx)
	n := 0
	for _, s := range q.Services {
		n += s.Waiting
	}
	if n != checkIns {
		t.Errorf("%d tickets waiting, want %d", n, checkIns)
	}
	_ = app.PriorityNone
}
