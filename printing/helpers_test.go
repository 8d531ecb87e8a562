package printing

import (
	"image"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const sampleURL = "https://zz.example.gov.cn/t/7KQ2-M9XP-4HVT-W3RA"

func sample() Receipt {
	return Receipt{
		Hall:       "枫桥镇综治中心",
		Service:    "矛盾纠纷调解",
		Ticket:     "A003",
		Ahead:      2,
		Issued:     time.Date(2025, 3, 14, 9, 26, 0, 0, time.FixedZone("CST", 8*3600)),
		WaitAt:     "请在大厅等候叫号",
		MaskedName: "张*丰",
		CaseCode:   "7KQ2-M9XP-4HVT-W3RA",
		PublicURL:  "https://zz.example.gov.cn",
	}
}

// decodeQR decodes the one QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("bitmap: %v", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}
