package cli

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/config"
	"fengqiao/printing"
)

// TestReprinterPrintsHallPhone checks that the console's reprint path prints the hall phone its
// receipt carries (the console fills it from the hall's [hall] phone).
func TestReprinterPrintsHallPhone(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skipf("pdftotext not installed (poppler-utils): %v", err)
	}
	dir := t.TempDir()
	devices := config.Default().Devices
	devices.Paper = 58
	print, err := reprinter(devices, "pdf:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	r := sampleReceipt("https://zz.example.gov.cn", true, time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC))
	r.HallPhone = "0575-87000000"
	if err := print(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v, %v", files, err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", files[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if flat := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(flat, printing.PhoneLabel+" 0575-87000000") {
		t.Errorf("reprint lacks the hall phone:\n%s", out)
	}
}
