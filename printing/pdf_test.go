package printing

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needTool skips the test when a poppler-utils tool is missing (scripts/install-deps.sh
// installs it in CI).
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (poppler-utils): CI must install it (scripts/install-deps.sh)", name)
		}
		t.Skipf("%s not installed (poppler-utils): %v", name, err)
	}
}

// pdfText extracts the text of pdf with pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return string(out)
}

func TestPDF(t *testing.T) {
	rd := testRenderer(t)
	reprint := sample()
	reprint.Reprint = true
	booked := sample()
	booked.Slot = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		receipt Receipt
		paper   Paper
		want    []string
		notWant []string
	}{
		{"80mm", sample(), Paper80, []string{"A003", "矛盾纠纷调解", "枫桥镇综治中心", "张*丰", "7KQ2-M9XP-4HVT-W3RA", CodeLabel, QRHint, "请在大厅等候叫号", "前面还有 2 人等候", "2025-03-14 09:26"}, []string{ReprintMark}},
		{"58mm", sample(), Paper58, []string{"A003", "矛盾纠纷调解", "枫桥镇综治中心", QRHint}, []string{ReprintMark}},
		{"reprint", reprint, Paper80, []string{ReprintMark, "A003"}, nil},
		{"booked", booked, Paper80, []string{BookedMark + " 10:30", "A003"}, []string{ReprintMark}},
		{"walk-in", sample(), Paper80, []string{"A003"}, []string{BookedMark}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := rd.PDF(tt.receipt, tt.paper)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			flat := strings.Join(strings.Fields(text), " ")
			for _, w := range tt.want {
				if !strings.Contains(flat, w) {
					t.Errorf("pdftotext output lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(flat, w) {
					t.Errorf("pdftotext output holds %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestPDFQRDecodes(t *testing.T) {
	needTool(t, "pdftoppm")
	rd := testRenderer(t)
	for _, paper := range []Paper{Paper80, Paper58} {
		t.Run(fmt.Sprintf("%dmm", paper), func(t *testing.T) {
			pdf, err := rd.PDF(sample(), paper)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "receipt.pdf")
			if err := os.WriteFile(in, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("pdftoppm", "-r", "200", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			f, err := os.Open(filepath.Join(dir, "page.png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeQR(t, img); got != sampleURL {
				t.Errorf("QR = %q, want %q", got, sampleURL)
			}
		})
	}
}

func TestPDFRareCharacters(t *testing.T) {
	rd := testRenderer(t)
	tests := []struct {
		name   string
		masked string
		want   []string // in pdftotext output
	}{
		{"extension A", "刘䶮", []string{"刘䶮"}},
		{"extension A start", "㐀*明", []string{"㐀*明"}},
		{"no font has it", "王\U00020000*", []string{"王", "*"}},
		{"emoji", "李\U0001F600", []string{"李"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sample()
			r.MaskedName = tt.masked
			pdf, err := rd.PDF(r, Paper80)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestPDFInvalid(t *testing.T) {
	rd := testRenderer(t)
	tests := []struct {
		name   string
		mutate func(*Receipt)
	}{
		{"no ticket", func(r *Receipt) { r.Ticket = "" }},
		{"no case code", func(r *Receipt) { r.CaseCode = "" }},
		{"name in case code", func(r *Receipt) { r.CaseCode = "张三" }},
		{"relative base", func(r *Receipt) { r.PublicURL = "/t" }},
		{"negative wait", func(r *Receipt) { r.Ahead = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sample()
			tt.mutate(&r)
			if _, err := rd.PDF(r, Paper80); err == nil {
				t.Error("PDF succeeded")
			}
		})
	}
}
