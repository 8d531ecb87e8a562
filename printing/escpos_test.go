package printing

import (
	"bytes"
	"image"
	"reflect"
	"testing"

	"fengqiao/printing/escpos"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gb(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rasters decodes the GS v 0 images in an ESC/POS stream.
func rasters(t *testing.T, b []byte) []*image.Gray {
	t.Helper()
	var imgs []*image.Gray
	for {
		i := bytes.Index(b, []byte{0x1D, 0x76, 0x30, 0x00})
		if i < 0 {
			return imgs
		}
		b = b[i+4:]
		if len(b) < 4 {
			t.Fatal("truncated GS v 0 header")
		}
		wb, h := int(b[0])|int(b[1])<<8, int(b[2])|int(b[3])<<8
		b = b[4:]
		if len(b) < wb*h {
			t.Fatalf("GS v 0 %dx%d: only %d data bytes", wb, h, len(b))
		}
		img := image.NewGray(image.Rect(0, 0, wb*8, h))
		for y := range h {
			for x := range wb * 8 {
				if b[y*wb+x/8]&(0x80>>(x%8)) == 0 {
					img.Pix[y*img.Stride+x] = 0xFF
				}
			}
		}
		imgs = append(imgs, img)
		b = b[wb*h:]
	}
}

func ink(img *image.Gray) int {
	n := 0
	for _, p := range img.Pix {
		if p == 0 {
			n++
		}
	}
	return n
}

func TestESCPOS(t *testing.T) {
	rd := testRenderer(t)
	reprint := sample()
	reprint.Reprint = true
	qrStore := append([]byte{0x1D, 0x28, 0x6B, byte(len(sampleURL) + 3), 0, 0x31, 0x50, 0x30}, sampleURL...)
	tests := []struct {
		name     string
		receipt  Receipt
		opt      ESCPOSOptions
		contains [][]byte
		lacks    [][]byte
		tail     []byte
		rasters  int
	}{
		{
			name:    "80mm native full cut",
			receipt: sample(),
			opt:     ESCPOSOptions{Paper: Paper80, QR: QRNative, Cut: escpos.CutFull},
			contains: [][]byte{
				{0x1D, 0x21, 0x33, 'A', '0', '0', '3', '\n'}, // 4x4 ticket number
				gb(t, "枫桥镇综治中心\n"), gb(t, "矛盾纠纷调解\n"), gb(t, "姓名 张*丰\n"), gb(t, QRHint+"\n"),
				{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06}, // module 6 dots
				qrStore,
				[]byte("------------------------------------------------\n"), // 48 columns
			},
			lacks: [][]byte{gb(t, ReprintMark)},
			tail:  []byte{0x1C, 0x2E, 0x1D, 0x56, 0x41, 0x03},
		},
		{
			name:     "58mm raster partial cut",
			receipt:  sample(),
			opt:      ESCPOSOptions{Paper: Paper58, QR: QRRaster, Cut: escpos.CutPartial},
			contains: [][]byte{gb(t, "矛盾纠纷调解\n"), []byte("--------------------------------\n")},
			lacks:    [][]byte{{0x1D, 0x28, 0x6B}, []byte("---------------------------------")},
			tail:     []byte{0x1C, 0x2E, 0x1D, 0x56, 0x42, 0x03},
			rasters:  1,
		},
		{
			name:     "reprint no cut",
			receipt:  reprint,
			opt:      ESCPOSOptions{Paper: Paper58, Cut: escpos.CutNone},
			contains: [][]byte{append([]byte{0x1D, 0x42, 0x01}, gb(t, ReprintMark+"\n")...)},
			tail:     []byte{0x1C, 0x2E, 0x1B, 0x64, 0x05},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := rd.ESCPOS(tt.receipt, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte{0x1B, 0x40, 0x1C, 0x26}) {
				t.Errorf("starts % X, want init and Chinese mode", b[:4])
			}
			if !bytes.HasSuffix(b, tt.tail) {
				t.Errorf("ends % X, want % X", b[len(b)-len(tt.tail):], tt.tail)
			}
			for _, c := range tt.contains {
				if !bytes.Contains(b, c) {
					t.Errorf("stream lacks % X", c)
				}
			}
			for _, c := range tt.lacks {
				if bytes.Contains(b, c) {
					t.Errorf("stream holds % X", c)
				}
			}
			if got := len(rasters(t, b)); got != tt.rasters {
				t.Errorf("%d raster images, want %d", got, tt.rasters)
			}
		})
	}
}

func TestESCPOSRasterQRRoundTrip(t *testing.T) {
	rd := testRenderer(t)
	for _, paper := range []Paper{Paper80, Paper58} {
		t.Run(paper.String(), func(t *testing.T) {
			b, err := rd.ESCPOS(sample(), ESCPOSOptions{Paper: paper, QR: QRRaster})
			if err != nil {
				t.Fatal(err)
			}
			imgs := rasters(t, b)
			if len(imgs) != 1 {
				t.Fatalf("%d raster images, want 1", len(imgs))
			}
			if w := imgs[0].Rect.Dx(); w != paper.Dots() {
				t.Errorf("QR image %d dots wide, want %d", w, paper.Dots())
			}
			if got := decodeQR(t, imgs[0]); got != sampleURL {
				t.Errorf("QR = %q, want %q", got, sampleURL)
			}
		})
	}
}

func TestESCPOSRareCharacters(t *testing.T) {
	rd := testRenderer(t)
	tests := []struct {
		name    string
		masked  string
		rasters int // text lines drawn as images (native QR, so the QR is none)
		text    string
	}{
		{"common name as text", "张*丰", 0, "姓名 张*丰\n"},
		{"extension A two-byte area", "刘䶮", 1, ""},
		{"extension A four-byte", "㐀*明", 1, ""},
		{"no font has it", "王\U00020000", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sample()
			r.MaskedName = tt.masked
			b, err := rd.ESCPOS(r, ESCPOSOptions{Paper: Paper80, QR: QRNative})
			if err != nil {
				t.Fatal(err)
			}
			imgs := rasters(t, b)
			if len(imgs) != tt.rasters {
				t.Fatalf("%d raster images, want %d", len(imgs), tt.rasters)
			}
			if tt.text != "" && !bytes.Contains(b, gb(t, tt.text)) {
				t.Errorf("stream lacks the text line %q", tt.text)
			}
			for _, img := range imgs {
				if img.Rect.Dx() != Paper80.Dots() || ink(img) < 50 {
					t.Errorf("raster line %v has %d black dots", img.Rect, ink(img))
				}
				if bytes.Contains(b, gb(t, "姓名")) {
					t.Error("the rare line also went out as text")
				}
			}
		})
	}
}

// TestRasterUsesFallback checks that a rare character is drawn with ink from the fallback font,
// not as the box of a missing glyph.
func TestRasterUsesFallback(t *testing.T) {
	rd := testRenderer(t)
	rf, err := rd.newRasterFaces(dotsPerSize)
	if err != nil {
		t.Fatal(err)
	}
	draw := func(s string) *image.Gray {
		runs, _ := rd.fonts.runs(s)
		return rf.draw(runs, 100, false, false)
	}
	box, yan, liu := draw("\U00020000"), draw("䶮"), draw("刘")
	if ink(yan) == 0 || ink(liu) == 0 {
		t.Fatalf("no ink: 䶮 %d, 刘 %d", ink(yan), ink(liu))
	}
	if reflect.DeepEqual(yan.Pix, box.Pix) {
		t.Error("䶮 drawn as a missing-glyph box")
	}
	if reflect.DeepEqual(yan.Pix, liu.Pix) {
		t.Error("䶮 and 刘 drawn alike")
	}
}

func TestWrapColumns(t *testing.T) {
	tests := []struct {
		s    string
		cols int
		want []string
	}{
		{"A003", 12, []string{"A003"}},
		{"枫桥镇综治中心", 8, []string{"枫桥镇综", "治中心"}},
		{"案件 7KQ2", 6, []string{"案件 7", "KQ2"}},
		{"A\U00020000B", 2, []string{"A", "\U00020000", "B"}},
		{"", 10, []string{""}},
	}
	for _, tt := range tests {
		if got := wrapColumns(tt.s, tt.cols); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrapColumns(%q, %d) = %q, want %q", tt.s, tt.cols, got, tt.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	for _, s := range []string{"80", "58"} {
		if p, err := ParsePaper(s); err != nil || p.String() != s+"mm" {
			t.Errorf("ParsePaper(%q) = %v, %v", s, p, err)
		}
	}
	for _, s := range []string{"native", "raster"} {
		if m, err := ParseQRMode(s); err != nil || m.String() != s {
			t.Errorf("ParseQRMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParsePaper("76"); err == nil {
		t.Error("ParsePaper(76) succeeded")
	}
	if _, err := ParseQRMode("png"); err == nil {
		t.Error("ParseQRMode(png) succeeded")
	}
}

func TestTrackingURL(t *testing.T) {
	tests := []struct {
		base, code, want string
		wantErr          bool
	}{
		{"https://zz.example.gov.cn", "7KQ2-M9XP-4HVT-W3RA", sampleURL, false},
		{"https://zz.example.gov.cn/", "7KQ2-M9XP-4HVT-W3RA", sampleURL, false},
		{"https://zz.example.gov.cn/fq", "AB12", "https://zz.example.gov.cn/fq/t/AB12", false},
		{"https://zz.example.gov.cn", "张*丰", "", true},
		{"https://zz.example.gov.cn", "AB12?name=x", "", true},
		{"https://zz.example.gov.cn?name=张三", "AB12", "", true},
		{"ftp://zz.example.gov.cn", "AB12", "", true},
		{"zz.example.gov.cn", "AB12", "", true},
		{"https://zz.example.gov.cn", "", "", true},
	}
	for _, tt := range tests {
		got, err := TrackingURL(tt.base, tt.code)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("TrackingURL(%q, %q) = %q, %v; want %q, error %v", tt.base, tt.code, got, err, tt.want, tt.wantErr)
		}
	}
}
