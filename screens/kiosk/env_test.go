package kiosk

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/hub"
	"fengqiao/store"
)

// countingHall records which hall calls the kiosk makes.
type countingHall struct {
	Hall
	openCases atomic.Int32
}

func (c *countingHall) OpenCases(ctx context.Context, id string) ([]app.Case, error) {
	c.openCases.Add(1)
	return c.Hall.OpenCases(ctx, id)
}

// env is one kiosk under test: a hall (in-process or over HTTP), a fake clock, a test window,
// and a queue of functions posted to the UI thread, which the test goroutine runs.
type env struct {
	taps  int // buttons tapped so far
	t     *testing.T
	ctx   context.Context
	store *store.Hall
	hall  *countingHall
	k     *Kiosk
	w     fyne.Window
	q     chan func()
	mu    sync.Mutex
	now   time.Time
	pdf   *PDFFolder
	quit  atomic.Bool
}

type envOpts struct {
	http    bool
	rules   *app.Rules
	printer Printer
	hall    Hall // overrides the store (e.g. an unreachable hub)
}

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	test.NewTempApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := config.Default()
	e := &env{t: t, ctx: ctx, q: make(chan func(), 1024)}
	loc := cfg.Rules().Location
	e.now = time.Date(2025, 6, 3, 10, 0, 0, 0, loc)
	clock := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules := cfg.Rules()
	if o.rules != nil {
		rules = *o.rules
	}
	e.store = store.NewHall(db, cfg.Info(), rules, clock)
	var h Hall = e.store
	if o.http {
		srv := httptest.NewServer(hub.NewServer(e.store, map[string]app.Role{"kiosk-token-0000001": "kiosk"}, quiet()))
		t.Cleanup(srv.Close)
		h = hub.NewClient(srv.URL, "kiosk-token-0000001")
	}
	if o.hall != nil {
		h = o.hall
	}
	e.hall = &countingHall{Hall: h}
	p := o.printer
	if p == nil {
		e.pdf = &PDFFolder{Dir: t.TempDir(), Paper: 80}
		p = e.pdf
	}
	e.k = New(ctx, Options{Hall: e.hall, Info: cfg.Info(), Printer: p, ElderlyAge: 70, StaffPIN: cfg.Kiosk.StaffPIN,
		Location: loc, Now: clock, Post: func(f func()) { e.q <- f }, LongPress: 20 * time.Millisecond,
		OnQuit: func() { e.quit.Store(true) }, Log: quiet()})
	e.w = test.NewWindow(nil)
	e.k.Attach(e.w, true)
	e.w.Resize(Landscape)
	t.Cleanup(e.w.Close)
	e.waitFor("the queue counts", func() bool { return e.k.queueOK || o.hall != nil })
	return e
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// waitFor runs posted functions until cond holds.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case f := <-e.q:
			f()
		case <-deadline:
			e.t.Fatalf("timed out waiting for %s (step %s; screen: %q)", what, e.k.flow.Step, e.texts())
		}
	}
}

// drain runs what is already posted.
func (e *env) drain() {
	for {
		select {
		case f := <-e.q:
			f()
		default:
			return
		}
	}
}

// walk visits every object of the window's tree, widgets through their renderers.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, f)
		}
	}
}

func (e *env) texts() []string {
	var out []string
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		}
	})
	return out
}

func (e *env) has(s string) bool {
	for _, x := range e.texts() {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// tap taps the button labelled label, as a finger would.
func (e *env) tap(label string) {
	e.t.Helper()
	var found *tile
	walk(e.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if t, ok := o.(*tile); ok && t.Label == label && found == nil {
			found = t
		}
	})
	if found == nil {
		e.t.Fatalf("no button %q on the %s screen (texts %q)", label, e.k.flow.Step, e.texts())
	}
	e.taps++
	test.Tap(found)
}

func (e *env) typeKeys(s string) {
	e.t.Helper()
	for _, r := range s {
		e.tap(string(r))
	}
}

func (e *env) step(want Step) {
	e.t.Helper()
	e.waitFor("step "+want.String(), func() bool { return e.k.flow.Step == want })
}

// reader starts the simulated reader over a real pty and the kiosk's watcher on it.
func (e *env) reader() *idcardsim.Simulator {
	e.t.Helper()
	sim, err := idcardsim.New(idcardsim.Options{Link: filepath.Join(e.t.TempDir(), "idcard"), Mode: idcardsim.FindOncePerPlacement, Baud: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { sim.Close() })
	w := idcard.NewWatcher(idcard.WatcherConfig{Reader: idcard.Config{Port: sim.Path(), Logger: quiet()},
		Interval: 20 * time.Millisecond, ReopenMin: 20 * time.Millisecond, ReopenMax: 100 * time.Millisecond})
	e.k.WatchDevices(e.ctx, w, nil)
	e.waitFor("the reader", func() bool { return e.k.readerKnown && e.k.reader == idcard.StateReady })
	return sim
}
