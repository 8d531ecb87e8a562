package printing

import "testing"

// The kiosk tells visitors the 查询码 is printed above the QR code: keep it so.
func TestCodeAboveQR(t *testing.T) {
	r := sample()
	code, qr := -1, -1
	for i, l := range layout(&r, "https://example.org/t/x") {
		switch {
		case l.text == CodeLabel:
			code = i
		case l.kind == qrLine:
			qr = i
		}
	}
	if code < 0 || qr < 0 || code > qr {
		t.Fatalf("查询码 at line %d, QR code at line %d: want the code above the QR", code, qr)
	}
}
