package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// CUPS is a print queue of the local CUPS server, printed to with lp(1). It takes PDF jobs, and
// ESC/POS jobs sent raw (lp -o raw) to a queue set up for a raw receipt printer.
type CUPS struct {
	Queue   string   // the queue name, as in lp -d NAME
	Options []string // extra lp -o options, e.g. "media=Custom.80x200mm"
}

func (c *CUPS) addr() string { return "cups:" + c.Queue }

// Print submits the job with lp, the document on standard input.
func (c *CUPS) Print(ctx context.Context, job Job) error {
	args := []string{"-d", c.Queue}
	if job.Title != "" {
		args = append(args, "-t", job.Title)
	}
	switch job.Format {
	case FormatPDF: // CUPS recognises PDF by its content
	case FormatESCPOS:
		args = append(args, "-o", "raw")
	default:
		return fmt.Errorf("print to %s: %w: %s", c.addr(), ErrFormat, job.Format)
	}
	for _, o := range c.Options {
		args = append(args, "-o", o)
	}
	args = append(args, "--", "-")
	cmd := exec.CommandContext(ctx, "lp", args...)
	cmd.Stdin = bytes.NewReader(job.Data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return c.fail("print", err, stderr.String())
	}
	return nil
}

// Status checks with lpstat -p that the queue exists and is enabled. CUPS does not report the
// paper of receipt printers, so the status is PaperUnknown; a missing or disabled queue or an
// unreachable CUPS server is an *UnreachableError.
func (c *CUPS) Status(ctx context.Context) (PaperStatus, error) {
	ctx, cancel := statusContext(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "lpstat", "-p", c.Queue)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return PaperUnknown, c.fail("paper status", err, stderr.String())
	}
	if strings.Contains(string(out), "disabled") {
		return PaperUnknown, fmt.Errorf("paper status: %w", &UnreachableError{Printer: c.addr(), Err: errors.New("queue disabled")})
	}
	return PaperUnknown, nil
}

// fail turns a failed lp or lpstat run into an error. lp fails for bad input rarely; a missing
// command, queue or server means the printer cannot be reached.
func (c *CUPS) fail(op string, err error, stderr string) error {
	msg := strings.TrimSpace(stderr)
	if msg != "" {
		err = fmt.Errorf("%w: %s", err, msg)
	}
	return fmt.Errorf("%s: %w", op, &UnreachableError{Printer: c.addr(), Err: err})
}
