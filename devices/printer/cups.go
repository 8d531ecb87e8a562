package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrCUPSDown is wrapped by the error of a CUPS printer when the CUPS scheduler is not running.
var ErrCUPSDown = errors.New("CUPS is not running (cupsd)")

// ErrQueueDisabled is wrapped by the error of a CUPS queue that is disabled (cupsdisable, or
// stopped by CUPS after a backend error).
var ErrQueueDisabled = errors.New("queue disabled")

// CUPS is a print queue of a CUPS server, printed to with lp(1). A pdf queue (Format
// FormatPDF, with a driver) takes PDF jobs, each on a page as long as the receipt; a raw queue
// (Format FormatESCPOS, no driver) takes ESC/POS jobs sent with lp -o raw. lp and lpstat run
// in the C locale, so their answers read the same on a Chinese desktop.
type CUPS struct {
	Queue   string        // the queue name, as in lp -d NAME
	Format  Format        // what the queue takes; see Accepts
	Options []string      // extra lp -o options
	Stall   time.Duration // bound on each lp or lpstat run; DefaultStall if zero
}

func (c *CUPS) addr() string { return "cups:" + c.Queue }

// Accepts returns the job format the queue takes.
func (c *CUPS) Accepts() Format { return c.Format }

// command returns an lp or lpstat command in the C locale.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "LANGUAGE=")
	return cmd
}

// run runs cmd within the stall time and returns its standard output; a failure carries its
// standard error, or ErrCUPSDown when the scheduler is not running.
func (c *CUPS) run(ctx context.Context, op, name string, stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, orStall(c.Stall))
	defer cancel()
	cmd := command(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w: %s did not finish within %s", ErrStalled, name, Round(orStall(c.Stall)))
	} else if msg := strings.TrimSpace(stderr.String()); msg != "" {
		err = fmt.Errorf("%w: %s", err, msg)
	}
	if !errors.Is(err, exec.ErrNotFound) && !schedulerRunning(ctx) {
		err = ErrCUPSDown
	}
	return "", fmt.Errorf("%s: %w", op, &UnreachableError{Printer: c.addr(), Err: err})
}

// schedulerRunning asks lpstat -r whether cupsd answers.
func schedulerRunning(ctx context.Context) bool {
	out, err := command(ctx, "lpstat", "-r").Output()
	return err == nil && strings.TrimSpace(string(out)) == "scheduler is running"
}

// Print checks that the queue is enabled and submits the job with lp, the document on standard
// input: ESC/POS raw (-o raw), a PDF on paper as long as its page (-o media=Custom.WxLmm).
func (c *CUPS) Print(ctx context.Context, job Job) error {
	if _, err := c.Status(ctx); err != nil {
		return fmt.Errorf("print: %w", errors.Unwrap(err))
	}
	args := []string{"-d", c.Queue}
	if job.Title != "" {
		args = append(args, "-t", job.Title)
	}
	switch job.Format {
	case FormatPDF:
		if w, l, ok := PDFPageSize(job.Data); ok {
			args = append(args, "-o", fmt.Sprintf("media=Custom.%.0fx%.0fmm", w, l))
		}
	case FormatESCPOS:
		args = append(args, "-o", "raw")
	default:
		return fmt.Errorf("print to %s: %w: %s", c.addr(), ErrFormat, job.Format)
	}
	for _, o := range c.Options {
		args = append(args, "-o", o)
	}
	args = append(args, "--", "-")
	_, err := c.run(ctx, "print", "lp", job.Data, args...)
	return err
}

// Status checks with lpstat -p that the queue exists and is enabled. CUPS does not report the
// paper of receipt printers, so the status is PaperUnknown; a missing or disabled queue or a
// CUPS that is not running is an *UnreachableError (ErrQueueDisabled, ErrCUPSDown).
func (c *CUPS) Status(ctx context.Context) (PaperStatus, error) {
	out, err := c.run(ctx, "paper status", "lpstat", nil, "-p", c.Queue)
	if err != nil {
		return PaperUnknown, err
	}
	if queueDisabled(out, c.Queue) {
		return PaperUnknown, fmt.Errorf("paper status: %w", &UnreachableError{Printer: c.addr(), Err: ErrQueueDisabled})
	}
	return PaperUnknown, nil
}

// queueDisabled reads lpstat -p's C-locale line for queue: "printer Q is idle.  enabled
// since …", "printer Q now printing …", or "printer Q disabled since …".
func queueDisabled(lpstat, queue string) bool {
	for line := range strings.Lines(lpstat) {
		rest, ok := strings.CutPrefix(line, "printer "+queue+" ")
		if ok {
			return strings.HasPrefix(rest, "disabled")
		}
	}
	return false
}

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s*\]`)

// PDFPageSize returns the width and length in mm of the first page of a PDF, from its MediaBox.
func PDFPageSize(pdf []byte) (width, length float64, ok bool) {
	m := mediaBox.FindSubmatch(pdf)
	if m == nil {
		return 0, 0, false
	}
	var v [4]float64
	for i := range v {
		f, err := strconv.ParseFloat(string(m[i+1]), 64)
		if err != nil {
			return 0, 0, false
		}
		v[i] = f
	}
	const mmPerPoint = 25.4 / 72
	return (v[2] - v[0]) * mmPerPoint, (v[3] - v[1]) * mmPerPoint, true
}
