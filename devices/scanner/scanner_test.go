package scanner_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"fengqiao/devices/scanner"
	"fengqiao/devices/scanner/scannersim"
	"fengqiao/devices/serialport"
)

func TestSplitter(t *testing.T) {
	var sp scanner.Splitter
	var got []string
	for _, chunk := range []string{"ABC", "D\r", "\x02EF\r\n", "\n\r", "https://x/t/1", "\n", "  pad  \r"} {
		got = append(got, sp.Feed([]byte(chunk))...)
	}
	want := []string{"ABCD", "EF", "https://x/t/1", "pad"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("codes = %q, want %q", got, want)
	}
	long := strings.Repeat("A", scanner.MaxCode+10) + "\rOK\r"
	if got := sp.Feed([]byte(long)); !reflect.DeepEqual(got, []string{"OK"}) {
		t.Fatalf("over-long line: got %q", got)
	}
	if got := sp.Feed([]byte("\xff\xfe\rOK\r")); !reflect.DeepEqual(got, []string{"OK"}) {
		t.Fatalf("invalid UTF-8: got %q", got)
	}
}

func next(t *testing.T, ch <-chan scanner.Event) scanner.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event from scanner")
	}
	return scanner.Event{}
}

func TestScannerOverPTY(t *testing.T) {
	link := t.TempDir() + "/scanner"
	sim, err := scannersim.New(scannersim.Options{Link: link})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sc := scanner.New(scanner.Config{Port: link, ReopenMin: 20 * time.Millisecond, ReopenMax: 50 * time.Millisecond})
	go sc.Run(ctx)
	if e := next(t, sc.Events()); !e.Connected || e.Code != "" {
		t.Fatalf("first event %+v, want connected", e)
	}
	code := "https://zz.example.gov.cn/t/7KQ2-M9XP-4HVT-W3RA-ABCD"
	if err := sim.Scan(code); err != nil {
		t.Fatal(err)
	}
	if e := next(t, sc.Events()); e.Code != code {
		t.Fatalf("code %q, want %q", e.Code, code)
	}
	// Unplug: the scanner reports it, then finds the replugged device again.
	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	if e := next(t, sc.Events()); e.Connected {
		t.Fatalf("after unplug: %+v", e)
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	if e := next(t, sc.Events()); !e.Connected {
		t.Fatalf("after replug: %+v", e)
	}
	if err := sim.Scan("AGAIN"); err != nil {
		t.Fatal(err)
	}
	if e := next(t, sc.Events()); e.Code != "AGAIN" {
		t.Fatalf("after replug code %q", e.Code)
	}
	cancel()
	for range sc.Events() {
	}
}

// TestPortInUse holds the scanner's port in this process: the scanner does not connect (the
// port is locked, serialport.ErrInUse) until the holder lets go.
func TestPortInUse(t *testing.T) {
	sim, err := scannersim.New(scannersim.Options{})
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	defer sim.Close()
	held, err := serialport.Open(sim.Path(), serialport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := scanner.New(scanner.Config{Port: sim.Path(), ReopenMin: 20 * time.Millisecond, ReopenMax: 50 * time.Millisecond})
	go s.Run(ctx)
	time.Sleep(300 * time.Millisecond)
	if s.Connected() {
		t.Fatal("the scanner opened a port another opener holds")
	}
	held.Close()
	if e := next(t, s.Events()); !e.Connected {
		t.Errorf("after release: %+v, want connected", e)
	}
}
