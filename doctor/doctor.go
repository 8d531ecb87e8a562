// Package doctor checks that a Fengqiao hall is installed and working, for the installer who
// sets it up and for a support call months later: the configuration, each device, the receipt
// paper, the hub, the centre and the sync with it, the database, the disk and the clock. Every
// finding that needs action comes with what to do, in Chinese and in English.
//
// The checks talk to real devices and servers with short time-outs; the clock source, the time
// and the HTTP client can be replaced, so that tests can run every check against simulators.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// Status is the outcome of one check.
type Status int

// Outcomes, from best to worst. Only Fail makes a report fail.
const (
	Skipped Status = iota // not applicable here (e.g. no scanner configured)
	OK
	Warn // works, but needs attention soon (paper nearly out, clock unverifiable)
	Fail // broken: the hall does not work as it should until this is fixed
)

// Symbol returns the mark printed before a result.
func (s Status) Symbol() string {
	switch s {
	case OK:
		return "✔"
	case Warn:
		return "⚠"
	case Fail:
		return "✘"
	}
	return "–"
}

// String returns "skipped", "ok", "warning" or "fail".
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warning"
	case Fail:
		return "fail"
	}
	return "skipped"
}

// Remedy says what to do about a finding, in both languages.
type Remedy struct {
	ZH, EN string
}

// Result is the outcome of one check.
type Result struct {
	Check   string // what was checked, in both languages: "打印机 receipt printer"
	Status  Status
	Finding string // what was found
	Remedy  Remedy // what to do; empty when there is nothing to do
}

// Report is the outcome of every check, in the order they ran.
type Report []Result

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.Count(Fail) > 0 }

// Count returns how many results have status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, res := range r {
		if res.Status == s {
			n++
		}
	}
	return n
}

// Find returns the result of the check whose name contains name, and whether there is one.
func (r Report) Find(name string) (Result, bool) {
	for _, res := range r {
		if strings.Contains(res.Check, name) {
			return res, true
		}
	}
	return Result{}, false
}

// WriteTo writes the report for a person: one line per check with its mark, name and finding,
// then the remedy in Chinese and in English, and a summary line.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	width := 0
	for _, res := range r {
		width = max(width, displayWidth(res.Check))
	}
	var b strings.Builder
	for _, res := range r {
		fmt.Fprintf(&b, "%s %s%s  %s\n", res.Status.Symbol(), res.Check,
			strings.Repeat(" ", width-displayWidth(res.Check)), res.Finding)
		if res.Remedy.ZH != "" {
			fmt.Fprintf(&b, "    处理：%s\n", res.Remedy.ZH)
		}
		if res.Remedy.EN != "" {
			fmt.Fprintf(&b, "    Fix:  %s\n", res.Remedy.EN)
		}
	}
	switch fails, warns := r.Count(Fail), r.Count(Warn); {
	case fails > 0:
		fmt.Fprintf(&b, "\n%d 项故障，%d 项提醒：请按上面的“处理”逐项解决。\n%d problem(s), %d warning(s): fix them as shown above.\n",
			fails, warns, fails, warns)
	case warns > 0:
		fmt.Fprintf(&b, "\n可以使用，%d 项提醒请留意。\nWorking, with %d warning(s) to look at.\n", warns, warns)
	default:
		fmt.Fprintf(&b, "\n一切正常。\nAll checks passed.\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// displayWidth is the width of s in a terminal: CJK characters take two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x20000 && r <= 0x3fffd)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// ErrClockUnknown is returned by a ClockSync function that cannot tell whether the clock is
// synchronised (no timedatectl, or not systemd).
var ErrClockUnknown = errors.New("clock synchronisation status unknown")

// ClockSync reports whether the system clock is synchronised with a time server.
type ClockSync func(ctx context.Context) (bool, error)

// TimedatectlSync asks systemd (timedatectl show -p NTPSynchronized) whether the clock is
// synchronised; it returns ErrClockUnknown where timedatectl is missing or does not answer.
func TimedatectlSync(ctx context.Context) (bool, error) {
	path, err := exec.LookPath("timedatectl")
	if err != nil {
		return false, ErrClockUnknown
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "show", "-p", "NTPSynchronized", "--value").Output()
	if err != nil {
		return false, fmt.Errorf("%w: timedatectl: %v", ErrClockUnknown, err)
	}
	switch strings.TrimSpace(string(out)) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, ErrClockUnknown
}

// Doctor runs the checks. The zero value is ready to use (with the defaults below); set
// ConfigPath to check an installed hall.
type Doctor struct {
	// ConfigPath is the hall's configuration; empty checks the built-in demo hall.
	ConfigPath string
	// Now returns the current time; time.Now if nil.
	Now func() time.Time
	// ClockSync tells whether the clock is synchronised; TimedatectlSync if nil.
	ClockSync ClockSync
	// HTTP reaches the hub and the centre; a client with a 3 s time-out if nil.
	HTTP *http.Client
	// ProbeTimeout bounds each device probe; 2 s if zero.
	ProbeTimeout time.Duration
	// MinFree is the free space below which the data folder's disk fails the check (1/4 of it
	// for a warning above); 512 MiB if zero.
	MinFree uint64
	// MaxSyncLag is how long records may wait to reach the centre before the sync fails the
	// check; 15 minutes if zero.
	MaxSyncLag time.Duration
	// MaxClockSkew is how far the clock may be from the centre's; 30 s if zero.
	MaxClockSkew time.Duration
	// KioskSocket is the kiosk's device state socket, asked about a device whose port another
	// process holds; devstate.DefaultPath() if empty.
	KioskSocket string
}

func (d *Doctor) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Doctor) httpClient() *http.Client {
	if d.HTTP != nil {
		return d.HTTP
	}
	return &http.Client{Timeout: 3 * time.Second}
}

func (d *Doctor) probeTimeout() time.Duration {
	if d.ProbeTimeout > 0 {
		return d.ProbeTimeout
	}
	return 2 * time.Second
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
