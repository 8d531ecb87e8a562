package idcardsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/devices/idcard"
)

func TestTestIdentity(t *testing.T) {
	id := TestIdentity()
	if _, err := app.ParseIDNumber(id.Number); err != nil {
		t.Errorf("built-in ID number: %v", err)
	}
	if err := id.Check(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("built-in card: %v", err)
	}
	if p := TestPhoto(); len(p) != 1024 || !bytes.HasPrefix(p, []byte{0x57, 0x4C, 0x66, 0x00, 0x7E, 0x00}) {
		t.Errorf("test photo lacks the WLT header")
	}
}

func TestLoadCard(t *testing.T) {
	want := TestIdentity()
	want.Name = "赵六"
	b, err := json.Marshal(want.Record())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "card.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCard(path)
	if err != nil {
		t.Fatalf("LoadCard: %v", err)
	}
	if got.Record() != want.Record() {
		t.Errorf("LoadCard = %+v, want %+v", got.Record(), want.Record())
	}
	os.WriteFile(path, []byte(`{"gender":"?"}`), 0o600)
	if _, err := LoadCard(path); !errors.Is(err, idcard.ErrField) {
		t.Errorf("LoadCard of a bad card: %v, want ErrField", err)
	}
}

func TestParseFault(t *testing.T) {
	for f := range faultNames {
		got, err := ParseFault(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFault(%s) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFault("smoke"); err == nil {
		t.Errorf("ParseFault accepted an unknown fault")
	}
}

func TestUnplugReplugMovesLink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "reader")
	sim, err := New(Options{Link: link, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if target, err := os.Readlink(link); err != nil || target != sim.Device() {
		t.Fatalf("link → %q (%v), want %q", target, err, sim.Device())
	}
	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("link still present after unplug: %v", err)
	}
	if sim.Device() != "" {
		t.Errorf("Device = %q while unplugged", sim.Device())
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(link); err != nil || target != sim.Device() || target == "" {
		t.Errorf("link → %q (%v) after replug, want %q", target, err, sim.Device())
	}
	sim.Close()
	if err := sim.Replug(); err == nil {
		t.Errorf("Replug after Close succeeded")
	}
}
