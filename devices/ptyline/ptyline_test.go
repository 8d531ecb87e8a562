//go:build unix

package ptyline

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestOpenRawLinkedAndInterruptible(t *testing.T) {
	link := filepath.Join(t.TempDir(), "dev")
	master, slave, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	host, err := os.OpenFile(link, os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open through the link: %v", err)
	}
	defer host.Close()
	// Raw: a CR and binary bytes arrive unchanged, and nothing is echoed back.
	want := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, '\r', 0x00, 0xFF}
	if _, err := host.Write(want); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	n := 0
	for n < len(want) {
		k, err := master.Read(got[n:])
		if err != nil {
			t.Fatalf("read after %d bytes: %v", n, err)
		}
		n += k
	}
	if string(got) != string(want) {
		t.Errorf("got % x, want % x", got, want)
	}
	// Closing the master ends a blocked Read.
	done := make(chan error, 1)
	go func() {
		_, err := master.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	master.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("read after close returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt Read")
	}
	// Relinking replaces the link.
	m2, s2, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	defer s2.Close()
	if dst, _ := os.Readlink(link); dst != s2.Name() {
		t.Errorf("link points to %s, want %s", dst, s2.Name())
	}
}
