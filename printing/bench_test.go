package printing

import "testing"

func BenchmarkPDF(b *testing.B) {
	rd := testRenderer(b)
	r := sample()
	for _, p := range []Paper{Paper80, Paper58} {
		b.Run(p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rd.PDF(r, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkESCPOS(b *testing.B) {
	rd := testRenderer(b)
	r := sample()
	for _, opt := range []ESCPOSOptions{{Paper: Paper80, QR: QRNative}, {Paper: Paper80, QR: QRRaster}, {Paper: Paper58, QR: QRNative}} {
		b.Run(opt.Paper.String()+"-"+opt.QR.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rd.ESCPOS(r, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkESCPOSRareName includes a name line drawn as a raster image.
func BenchmarkESCPOSRareName(b *testing.B) {
	rd := testRenderer(b)
	r := sample()
	r.MaskedName = "刘*䶮"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rd.ESCPOS(r, ESCPOSOptions{Paper: Paper80}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDFRareName includes a name with an Extension B character drawn as a glyph image.
func BenchmarkPDFRareName(b *testing.B) {
	rd := testRenderer(b)
	r := sample()
	r.MaskedName = "\U00020BB7*丰"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rd.PDF(r, Paper80); err != nil {
			b.Fatal(err)
		}
	}
}
