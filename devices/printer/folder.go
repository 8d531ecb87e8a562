package printer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Folder "prints" PDF jobs as files into a folder: the demo, print tests, or a hall without a
// printer that wants a record. Each file is named by the time and the job's title, which must
// hold no personal data (see Job.Title).
type Folder struct {
	Dir  string
	last atomic.Value // string: the last file written
}

func (f *Folder) addr() string { return "pdf:" + f.Dir }

// Accepts returns FormatPDF.
func (f *Folder) Accepts() Format { return FormatPDF }

// Print writes the PDF job to a new file in the folder, creating the folder if needed.
func (f *Folder) Print(ctx context.Context, job Job) error {
	if job.Format != FormatPDF {
		return fmt.Errorf("print to %s: %w: %s", f.addr(), ErrFormat, job.Format)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("print to %s: %w", f.addr(), err)
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return fmt.Errorf("print: %w", &UnreachableError{Printer: f.addr(), Err: err})
	}
	name := filepath.Join(f.Dir, fileName(time.Now(), job.Title))
	if err := os.WriteFile(name, job.Data, 0o644); err != nil {
		return fmt.Errorf("print: %w", &UnreachableError{Printer: f.addr(), Err: err})
	}
	f.last.Store(name)
	return nil
}

// fileName is "20060102-150405.000-title.pdf", the title reduced to letters, digits and dashes.
func fileName(t time.Time, title string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		case r == ' ' || r == '_':
			return '-'
		}
		return -1
	}, title)
	if clean == "" {
		clean = "job"
	}
	return t.Format("20060102-150405.000") + "-" + clean + ".pdf"
}

// Status reports PaperUnknown, or an *UnreachableError when the folder exists but is not a
// folder. A folder not made yet is fine: Print makes it.
func (f *Folder) Status(context.Context) (PaperStatus, error) {
	st, err := os.Stat(f.Dir)
	switch {
	case os.IsNotExist(err):
		return PaperUnknown, nil
	case err != nil:
		return PaperUnknown, fmt.Errorf("paper status: %w", &UnreachableError{Printer: f.addr(), Err: err})
	case !st.IsDir():
		return PaperUnknown, fmt.Errorf("paper status: %w", &UnreachableError{Printer: f.addr(), Err: fmt.Errorf("%s is not a folder", f.Dir)})
	}
	return PaperUnknown, nil
}

// Last returns the path of the last file written, or "".
func (f *Folder) Last() string {
	s, _ := f.last.Load().(string)
	return s
}
