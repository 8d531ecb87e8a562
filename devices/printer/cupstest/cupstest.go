// Package cupstest runs a private CUPS scheduler for tests: its own configuration, spool and
// logs in a temporary folder, listening on a free port of 127.0.0.1, so tests print through the
// real lp and lpstat without touching the machine's CUPS. Start sets CUPS_SERVER for the test,
// so every lp and lpstat the test runs talks to it.
//
// Without cupsd the tests skip, except in CI (the CI environment variable set), where they fail:
// scripts/install-deps.sh installs it.
package cupstest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running private cupsd.
type Server struct {
	Addr string // 127.0.0.1:PORT, also in the test's CUPS_SERVER
	Dir  string // its ServerRoot; spool, logs and print-to-file output are below it
	cmd  *exec.Cmd
	done chan error
}

// Require skips the test when program is missing, or fails it in CI.
func Require(t testing.TB, program string) {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI (scripts/install-deps.sh installs it): %v", program, err)
		}
		t.Skipf("%s not installed: %v", program, err)
	}
}

// Start runs a private cupsd for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	Require(t, "cupsd")
	Require(t, "lpadmin")
	dir, err := os.MkdirTemp("", "cupstest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("CUPSTEST_KEEP") == "" {
			os.RemoveAll(dir)
		}
	})
	// cupsd runs jobs as an unprivileged user, which must reach the output files.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: freePort(t), Dir: dir}
	for _, sub := range []string{"spool", "cache", "state", "log", "tmp", "ppd", "out", "bin", "bin/backend"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "out"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := linkServerBin(filepath.Join(dir, "bin")); err != nil {
		t.Fatal(err)
	}
	user, group := "lp", "lp"
	files := fmt.Sprintf(`ServerRoot %[1]s
RequestRoot %[1]s/spool
CacheDir %[1]s/cache
StateDir %[1]s/state
TempDir %[1]s/tmp
ErrorLog %[1]s/log/error_log
AccessLog %[1]s/log/access_log
PageLog %[1]s/log/page_log
ServerBin %[1]s/bin
DataDir /usr/share/cups
FileDevice Yes
Printcap %[1]s/printcap
User %[2]s
Group %[3]s
SystemGroup root
`, dir, user, group)
	conf := fmt.Sprintf(`Listen %s
LogLevel debug
DefaultAuthType None
Browsing No
PreserveJobFiles Yes
PreserveJobHistory Yes
WebInterface No
DirtyCleanInterval 0
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`, s.Addr)
	write(t, filepath.Join(dir, "cups-files.conf"), files)
	write(t, filepath.Join(dir, "cupsd.conf"), conf)
	t.Setenv("CUPS_SERVER", s.Addr)
	s.start(t)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(t testing.TB) {
	t.Helper()
	s.cmd = exec.Command("cupsd", "-f", "-c", filepath.Join(s.Dir, "cupsd.conf"), "-s", filepath.Join(s.Dir, "cups-files.conf"))
	var out bytes.Buffer
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start cupsd: %v", err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait() }()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(filepath.Join(s.Dir, "log", "error_log"))
			t.Fatalf("cupsd exited: %v\n%s%s", err, out.String(), log)
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cupsd did not listen on %s", s.Addr)
		}
	}
}

// Stop ends the scheduler; lp and lpstat then find no CUPS running.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Run runs a CUPS command (lpadmin, cupsdisable…) against the server in the C locale and
// returns its output; it fails the test if the command fails.
func (s *Server) Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "CUPS_SERVER="+s.Addr, "LC_ALL=C", "LANG=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// captureBackend is a CUPS backend that appends each job, as the queue's filters left it, to
// the file its device URI names (capture:/path). CUPS 2.4 runs no filter at all for a raw
// queue on a file: URI, so the file: device cannot show what a raw queue printed.
const captureBackend = `#!/bin/sh
if [ $# -eq 0 ]; then echo 'file capture "Unknown" "Fengqiao test capture"'; exit 0; fi
out="${DEVICE_URI#capture:}"
if [ -n "$6" ]; then cat "$6" >> "$out"; else cat >> "$out"; fi
`

// linkServerBin makes a ServerBin folder: the system's filters and helpers plus the capture
// backend.
func linkServerBin(bin string) error {
	const system = "/usr/lib/cups"
	entries, err := os.ReadDir(system)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "backend" {
			continue
		}
		if err := os.Symlink(filepath.Join(system, e.Name()), filepath.Join(bin, e.Name())); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(bin, "backend", "capture"), []byte(captureBackend), 0o755)
}

// AddRawQueue adds an enabled raw queue (no driver: CUPS passes jobs through untouched) whose
// jobs land in a file, and returns the file's path.
func (s *Server) AddRawQueue(t testing.TB, name string) string {
	t.Helper()
	out := filepath.Join(s.Dir, "out", name)
	s.Run(t, "lpadmin", "-p", name, "-E", "-v", "capture:"+out)
	s.Run(t, "cupsenable", name)
	s.Run(t, "cupsaccept", name)
	return out
}

// WaitFile waits until the file at path holds at least n bytes and returns them.
func WaitFile(t testing.TB, path string, n int) []byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		if len(b) >= n || time.Now().After(deadline) {
			return b
		}
	}
}

// JobAttributes returns the raw IPP attributes CUPS keeps for its jobs (the c* control files),
// to check the options a job was sent with.
func (s *Server) JobAttributes(t testing.TB) []byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.Dir, "spool", "c*"))
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func write(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
