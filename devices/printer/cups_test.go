package printer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/devices/printer/cupstest"
	"fengqiao/printing"
)

// TestCUPSRawQueue prints an ESC/POS job to a raw queue of a private cupsd: the bytes arrive
// unchanged, not turned into a PDF.
func TestCUPSRawQueue(t *testing.T) {
	s := cupstest.Start(t)
	out := s.AddRawQueue(t, "receipt")
	job := escposJob(t)
	p := &printer.CUPS{Queue: "receipt", Format: printer.FormatESCPOS}
	if p.Accepts() != printer.FormatESCPOS {
		t.Fatalf("Accepts() = %v", p.Accepts())
	}
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	got := cupstest.WaitFile(t, out, len(job.Data))
	if !bytes.Equal(got, job.Data) || bytes.HasPrefix(got, []byte("%PDF")) {
		t.Errorf("queue printed %d bytes (starts % x), want the %d ESC/POS bytes", len(got), got[:min(8, len(got))], len(job.Data))
	}
}

// TestCUPSPDFMedia sends a PDF receipt: lp gets the page size from the receipt's real length.
func TestCUPSPDFMedia(t *testing.T) {
	s := cupstest.Start(t)
	s.AddRawQueue(t, "pdf")
	rd, err := printing.Default()
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := rd.PDF(receipt(), printing.Paper80)
	if err != nil {
		t.Fatal(err)
	}
	w, l, ok := printer.PDFPageSize(pdf)
	if !ok || w < 79 || w > 81 || l < 50 || l > 400 {
		t.Fatalf("PDFPageSize = %.1f x %.1f mm, %v", w, l, ok)
	}
	if err := (&printer.CUPS{Queue: "pdf", Format: printer.FormatPDF}).Print(context.Background(),
		printer.Job{Format: printer.FormatPDF, Data: pdf}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("Custom.%.0fx%.0fmm", w, l)
	attrs := s.JobAttributes(t)
	for end := time.Now().Add(5 * time.Second); !bytes.Contains(attrs, []byte(want)) && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
		attrs = s.JobAttributes(t)
	}
	if !bytes.Contains(attrs, []byte(want)) {
		t.Errorf("the job's attributes lack media %s", want)
	}
}

// TestCUPSDisabledQueue disables the queue: printing is refused whatever the locale, and the
// test checks that lpstat really answers in Chinese under zh_CN.UTF-8.
func TestCUPSDisabledQueue(t *testing.T) {
	s := cupstest.Start(t)
	out := s.AddRawQueue(t, "receipt")
	s.Run(t, "cupsdisable", "receipt")
	p := &printer.CUPS{Queue: "receipt", Format: printer.FormatESCPOS}
	for _, lang := range []string{"C", "zh_CN.UTF-8"} {
		t.Run(lang, func(t *testing.T) {
			t.Setenv("LANG", lang)
			t.Setenv("LC_ALL", lang)
			if lang != "C" {
				cmd := exec.Command("lpstat", "-p", "receipt")
				b, err := cmd.Output()
				if err != nil || !strings.Contains(string(b), "打印机") {
					if os.Getenv("CI") != "" {
						t.Fatalf("lpstat under %s answered %q (%v): generate the locale (scripts/install-deps.sh)", lang, b, err)
					}
					t.Skipf("lpstat does not answer in Chinese under %s (%q): locale not generated", lang, b)
				}
			}
			err := p.Print(context.Background(), escposJob(t))
			if !errors.Is(err, printer.ErrQueueDisabled) || !printer.IsUnreachable(err) {
				t.Errorf("Print to a disabled queue: %v, want ErrQueueDisabled", err)
			}
			if _, err := p.Status(context.Background()); !errors.Is(err, printer.ErrQueueDisabled) {
				t.Errorf("Status: %v, want ErrQueueDisabled", err)
			}
		})
	}
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Errorf("a disabled queue printed %d bytes", len(b))
	}
}

// TestCUPSDown stops cupsd: the error says plainly that CUPS is not running.
func TestCUPSDown(t *testing.T) {
	s := cupstest.Start(t)
	s.AddRawQueue(t, "receipt")
	s.Stop()
	p := &printer.CUPS{Queue: "receipt", Format: printer.FormatESCPOS}
	for _, err := range []error{p.Print(context.Background(), escposJob(t)), statusErr(p)} {
		if !errors.Is(err, printer.ErrCUPSDown) || !strings.Contains(err.Error(), "CUPS is not running (cupsd)") {
			t.Errorf("%v, want ErrCUPSDown", err)
		}
		if msg := printer.ScreenText(err); msg != "打印服务未运行" {
			t.Errorf("ScreenText = %q, want 打印服务未运行", msg)
		}
	}
}

func statusErr(p printer.Printer) error {
	_, err := p.Status(context.Background())
	return err
}
