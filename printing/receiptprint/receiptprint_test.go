package receiptprint_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/printing"
	"fengqiao/printing/escpos"
	"fengqiao/printing/receiptprint"
)

func receipt() printing.Receipt {
	return printing.Receipt{Hall: "枫桥镇综治中心", Service: "矛盾纠纷调解", Ticket: "A003", Ahead: 2,
		Issued: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC), MaskedName: "张*丰",
		CaseCode: "7KQ2-M9XP-4HVT-W3RA", PublicURL: "https://zz.example.gov.cn"}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		paper   int
		qr, cut string
		want    receiptprint.Options
		wantErr bool
	}{
		{0, "", "", receiptprint.Options{Paper: printing.Paper80, QR: printing.QRNative, Cut: escpos.CutPartial}, false},
		{58, "raster", "none", receiptprint.Options{Paper: printing.Paper58, QR: printing.QRRaster, Cut: escpos.CutNone}, false},
		{57, "", "", receiptprint.Options{}, true},
		{80, "image", "", receiptprint.Options{}, true},
		{80, "", "half", receiptprint.Options{}, true},
	}
	for _, tt := range tests {
		got, err := receiptprint.ParseOptions(tt.paper, tt.qr, tt.cut)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ParseOptions(%d, %q, %q) = %+v, %v", tt.paper, tt.qr, tt.cut, got, err)
		}
	}
}

func TestPrintRawPrinter(t *testing.T) {
	tests := []struct {
		paper   printer.PaperStatus
		want    printer.PaperStatus
		wantErr error
		sentJob bool
	}{
		{printer.PaperOK, printer.PaperOK, nil, true},
		{printer.PaperNearEnd, printer.PaperNearEnd, nil, true},
		{printer.PaperOut, printer.PaperOut, printer.ErrPaperOut, false},
	}
	for _, tt := range tests {
		t.Run(tt.paper.String(), func(t *testing.T) {
			sim, err := printertest.ListenTCP("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			sim.SetPaper(tt.paper)
			p, err := printer.Open("tcp:"+sim.Addr(), printer.Settings{Stall: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			st, err := receiptprint.Print(context.Background(), p, receipt(), receiptprint.Options{})
			if st != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Print = %v, %v; want %v, %v", st, err, tt.want, tt.wantErr)
			}
			// ESC @ starts every ESC/POS receipt; a printer without paper is sent none.
			if got := bytes.Contains(sim.Received(), []byte{0x1B, 0x40}); got != tt.sentJob {
				t.Errorf("job sent: %v, want %v (%d bytes received)", got, tt.sentJob, len(sim.Received()))
			}
		})
	}
}

func TestPrintUnreachable(t *testing.T) {
	sim, err := printertest.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := sim.Addr()
	sim.Close()
	p, _ := printer.Open("tcp:"+addr, printer.Settings{Stall: 300 * time.Millisecond})
	if _, err := receiptprint.Print(context.Background(), p, receipt(), receiptprint.Options{}); !printer.IsUnreachable(err) {
		t.Errorf("Print to a closed port: %v, want unreachable", err)
	}
}

func TestPrintPDFFolder(t *testing.T) {
	dir := t.TempDir()
	p, _ := printer.Open("pdf:"+dir, printer.Settings{})
	r := receipt()
	r.Reprint = true
	st, err := receiptprint.Print(context.Background(), p, r, receiptprint.Options{Paper: printing.Paper58})
	if err != nil || st != printer.PaperUnknown {
		t.Fatalf("Print = %v, %v", st, err)
	}
	f := p.(*printer.Folder).Last()
	b, err := os.ReadFile(f)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("%s: %.8q, %v", f, b, err)
	}
	if w, _, ok := printer.PDFPageSize(b); !ok || w < 57 || w > 59 {
		t.Errorf("page width %.1f mm, want 58", w)
	}
	if !bytes.Contains([]byte(f), []byte("reprint-A003")) {
		t.Errorf("file name %s", f)
	}
}
