//go:build linux

package serialport_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/devices/ptyline"
	"fengqiao/devices/serialport"
)

// holdEnv names the port a child process of this test binary opens and holds.
const holdEnv = "SERIALPORT_TEST_HOLD"

// TestMain turns the test binary into the helper process that holds a port when holdEnv is set:
// it opens the port, says "held" and keeps it until its standard input closes.
func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		p, err := serialport.Open(path, serialport.Config{Baud: 115200})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		io.Copy(io.Discard, os.Stdin)
		p.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdInChild opens path in another process and returns a function that makes it let go.
func holdInChild(t *testing.T, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "held\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("helper process: %q", line)
	}
	var done bool
	release = func() {
		if !done {
			done = true
			stdin.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return release
}

func newPTY(t *testing.T, link string) (master, slave *os.File) {
	t.Helper()
	m, s, err := ptyline.Open(link)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// TestOpenExclusive holds a port in a second process: opening it here fails with ErrInUse, even
// as root and through another name, and succeeds once the other process lets go.
func TestOpenExclusive(t *testing.T) {
	link := filepath.Join(t.TempDir(), "fengqiao-idcard")
	_, slave := newPTY(t, link)
	release := holdInChild(t, slave.Name())
	for _, path := range []string{slave.Name(), link} {
		p, err := serialport.Open(path, serialport.Config{Baud: 9600})
		if err == nil {
			p.Close()
			t.Fatalf("open %s while another process holds it: no error (running as uid %d)", path, os.Getuid())
		}
		if !errors.Is(err, serialport.ErrInUse) {
			t.Errorf("open %s: %v, want ErrInUse", path, err)
		}
	}
	if _, err := serialport.OpenDevice(slave.Name()); !errors.Is(err, serialport.ErrInUse) {
		t.Errorf("OpenDevice: %v, want ErrInUse", err)
	}
	release()
	p, err := serialport.Open(link, serialport.Config{Baud: 9600})
	if err != nil {
		t.Fatalf("open after the other process let go: %v", err)
	}
	// A second open within this process is refused too: the lock is per open file.
	if _, err := serialport.Open(link, serialport.Config{}); !errors.Is(err, serialport.ErrInUse) {
		t.Errorf("second open in the same process: %v, want ErrInUse", err)
	}
	p.Close()
}

func TestDeadlinesAndReadTimeout(t *testing.T) {
	master, slave := newPTY(t, "")
	p, err := serialport.Open(slave.Name(), serialport.Config{Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	p.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := p.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past the deadline: %v, want ErrDeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("read deadline took %v", d)
	}
	// Nobody reads the master: writes fill the pty's buffer, then the write deadline ends them.
	p.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = p.Write(make([]byte, 1<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("write to a line nobody reads: %v, want ErrDeadlineExceeded", err)
	}
	master.Write([]byte{0x42}) // waiting input that the next Open discards

	q, err := serialport.Open(slave.Name(), serialport.Config{Baud: 115200, ReadTimeout: 30 * time.Millisecond})
	if err == nil {
		t.Fatal("second open succeeded")
	}
	p.Close()
	q, err = serialport.Open(slave.Name(), serialport.Config{Baud: 115200, ReadTimeout: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if n, err := q.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("read with nothing to read: %d, %v; want 0, io.EOF", n, err)
	}
}

func TestBaud(t *testing.T) {
	_, slave := newPTY(t, "")
	if _, err := serialport.Open(slave.Name(), serialport.Config{Baud: 12345}); err == nil {
		t.Error("baud 12345 accepted")
	}
	for _, b := range []int{9600, 19200, 115200} {
		if !serialport.ValidBaud(b) {
			t.Errorf("ValidBaud(%d) = false", b)
		}
	}
	if _, err := serialport.Open(filepath.Join(t.TempDir(), "nope"), serialport.Config{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing port: %v, want ErrNotExist", err)
	}
}
