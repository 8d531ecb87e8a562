package printing

import (
	"fmt"
	"time"
)

// size is a type size on the receipt, in multiples of the normal size (24 dots, about 3 mm).
type size int

const (
	normal size = 1
	large  size = 2 // hall and service names and the reprint mark: at least 5 mm tall on paper
	huge   size = 4 // the ticket number
)

// kind is what a layout line holds.
type kind int

const (
	textLine kind = iota
	ruleLine      // a dashed separator
	qrLine        // the tracking QR code
	gapLine       // half a line of space
)

// line is one line of the receipt layout, shared by the PDF and ESC/POS renderers.
type line struct {
	kind   kind
	text   string
	size   size
	center bool
	boxed  bool // drawn with a frame (the reprint mark); ESC/POS uses reverse printing
}

// CodeLabel names the case code on the receipt, as the kiosk and the lookup call it. The code is
// printed above the QR code (the kiosk's hints say so).
const CodeLabel = "查询码"

// layout returns the lines of r, top to bottom.
func layout(r *Receipt, url string) []line {
	var ls []line
	add := func(l line) { ls = append(ls, l) }
	if r.Reprint {
		add(line{text: ReprintMark, size: large, center: true, boxed: true})
	}
	add(line{text: r.Hall, size: large, center: true})
	add(line{text: r.Service, size: large, center: true})
	add(line{kind: ruleLine})
	add(line{text: r.Ticket, size: huge, center: true})
	if !r.Slot.IsZero() {
		add(line{text: BookedMark + " " + r.Slot.Format("15:04"), size: large, center: true, boxed: true})
	}
	add(line{text: fmt.Sprintf("前面还有 %d 人等候", r.Ahead), size: normal, center: true})
	add(line{kind: ruleLine})
	if r.WaitAt != "" {
		add(line{text: r.WaitAt, size: normal})
	}
	add(line{text: "取号时间 " + issued(r.Issued), size: normal})
	if r.MaskedName != "" {
		add(line{text: "姓名 " + r.MaskedName, size: normal})
	}
	add(line{text: CodeLabel, size: normal})
	add(line{text: r.CaseCode, size: normal, center: true})
	add(line{kind: gapLine})
	add(line{kind: qrLine, text: url, center: true})
	add(line{text: QRHint, size: normal, center: true})
	if r.HallPhone != "" {
		add(line{text: PhoneLabel + " " + r.HallPhone, size: normal, center: true})
	}
	return ls
}

func issued(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}
