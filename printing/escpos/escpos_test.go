package escpos

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"testing"
)

func h(b ...byte) []byte { return b }

func TestGolden(t *testing.T) {
	onePixel := image.NewGray(image.Rect(0, 0, 1, 1))
	onePixel.SetGray(0, 0, color.Gray{0})
	tests := []struct {
		name  string
		build func(e *Encoder) error
		want  []byte
	}{
		{"init", func(e *Encoder) error { e.Init(); return nil }, h(0x1B, 0x40)},
		{"align centre", func(e *Encoder) error { e.Align(Center); return nil }, h(0x1B, 0x61, 0x01)},
		{"size 1x1", func(e *Encoder) error { e.Size(1, 1); return nil }, h(0x1D, 0x21, 0x00)},
		{"size 2x2", func(e *Encoder) error { e.Size(2, 2); return nil }, h(0x1D, 0x21, 0x11)},
		{"size 4x4", func(e *Encoder) error { e.Size(4, 4); return nil }, h(0x1D, 0x21, 0x33)},
		{"chinese text", func(e *Encoder) error {
			e.ChineseOn()
			err := e.Text("示例文本打印机!\n")
			e.ChineseOff()
			return err
		}, h(0x1C, 0x26, 0xCA, 0xBE, 0xC0, 0xFD, 0xCE, 0xC4, 0xB1, 0xBE, 0xB4, 0xF2, 0xD3, 0xA1, 0xBB, 0xFA, 0x21, 0x0A, 0x1C, 0x2E)},
		{"qr 1234", func(e *Encoder) error { return e.QR("1234", 3, ECLow) }, h(
			0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
			0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x03,
			0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x30,
			0x1D, 0x28, 0x6B, 0x07, 0x00, 0x31, 0x50, 0x30, 0x31, 0x32, 0x33, 0x34,
			0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30)},
		{"raster one dot", func(e *Encoder) error { return e.Raster(onePixel) }, h(0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x80)},
		{"raster one dot rgba", func(e *Encoder) error {
			img := image.NewRGBA(image.Rect(0, 0, 1, 1))
			img.Set(0, 0, color.Black)
			return e.Raster(img)
		}, h(0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x80)},
		{"full cut", func(e *Encoder) error { e.Cut(CutFull, 3); return nil }, h(0x1D, 0x56, 0x41, 0x03)},
		{"partial cut", func(e *Encoder) error { e.Cut(CutPartial, 0); return nil }, h(0x1D, 0x56, 0x42, 0x00)},
		{"no cut feeds", func(e *Encoder) error { e.Cut(CutNone, 5); return nil }, h(0x1B, 0x64, 0x05)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Encoder
			if err := tt.build(&e); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e.Bytes(), tt.want) {
				t.Errorf("got  % X\nwant % X", e.Bytes(), tt.want)
			}
		})
	}
}

func TestQRLength(t *testing.T) {
	tests := []struct {
		n       int
		wantErr bool
		pL, pH  byte
	}{
		{0, true, 0, 0},
		{300, false, 0x2F, 0x01}, // 303 = 0x012F
		{MaxQRData, false, byte((MaxQRData + 3) & 0xFF), byte((MaxQRData + 3) >> 8)},
		{MaxQRData + 1, true, 0, 0},
	}
	for _, tt := range tests {
		var e Encoder
		err := e.QR(string(bytes.Repeat([]byte{'A'}, tt.n)), 4, ECMedium)
		if (err != nil) != tt.wantErr {
			t.Fatalf("QR(len %d) error = %v, wantErr %v", tt.n, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		store := e.Bytes()[25:]
		if store[3] != tt.pL || store[4] != tt.pH {
			t.Errorf("len %d: pL pH = %02X %02X, want %02X %02X", tt.n, store[3], store[4], tt.pL, tt.pH)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		in        string
		want      []byte
		printable bool
	}{
		{"A003", []byte("A003"), true},
		{"张*丰", h(0xD5, 0xC5, '*', 0xB7, 0xE1), true},
		{"请在大厅等候叫号", h(0xC7, 0xEB, 0xD4, 0xDA, 0xB4, 0xF3, 0xCC, 0xFC, 0xB5, 0xC8, 0xBA, 0xF2, 0xBD, 0xD0, 0xBA, 0xC5), true},
		{"刘䶮", nil, false},         // U+4DAE needs four bytes
		{"\U00020000", nil, false}, // 95 32 82 36
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Printable(tt.in); got != tt.printable {
				t.Errorf("Printable = %v, want %v", got, tt.printable)
			}
			e := Encoder{buf: []byte{0xEE}}
			err := e.Text(tt.in)
			if tt.printable {
				if err != nil || !bytes.Equal(e.Bytes()[1:], tt.want) {
					t.Errorf("Text = % X, %v; want % X", e.Bytes()[1:], err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrTwoByte) {
				t.Errorf("Text error = %v, want ErrTwoByte", err)
			}
			if !bytes.Equal(e.Bytes(), []byte{0xEE}) {
				t.Errorf("failed Text left bytes behind: % X", e.Bytes())
			}
		})
	}
}

func TestFourByteVector(t *testing.T) {
	var enc gb18030
	if got := enc.append(nil, 0x20000); !bytes.Equal(got, h(0x95, 0x32, 0x82, 0x36)) {
		t.Errorf("GB18030(U+20000) = % X, want 95 32 82 36", got)
	}
}

func TestParseCut(t *testing.T) {
	for _, c := range []Cut{CutFull, CutPartial, CutNone} {
		got, err := ParseCut(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCut(%q) = %v, %v", c, got, err)
		}
	}
	if _, err := ParseCut("half"); err == nil {
		t.Error("ParseCut(half) succeeded")
	}
}

func TestRasterBitmap(t *testing.T) {
	bm := NewBitmap(10, 2)
	bm.Set(0, 0)
	bm.Set(9, 1)
	bm.Set(10, 1) // outside: ignored
	var e Encoder
	if err := e.RasterBitmap(bm); err != nil {
		t.Fatal(err)
	}
	want := h(0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00, 0x40)
	if !bytes.Equal(e.Bytes(), want) {
		t.Errorf("got  % X\nwant % X", e.Bytes(), want)
	}
	if err := e.RasterBitmap(&Bitmap{}); err == nil {
		t.Error("empty bitmap accepted")
	}
}
