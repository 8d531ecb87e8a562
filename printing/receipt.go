// Package printing lays out the queue receipt a kiosk prints for a visitor and renders it as a
// PDF (for CUPS queues) or as ESC/POS bytes (for raw receipt printers), on 80 mm or 58 mm paper.
//
// A receipt carries no personal data except the visitor's masked name, which the caller masks;
// its QR code holds only the public tracking URL of the case code.
package printing

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Paper is a receipt roll width in millimetres.
type Paper int

// Supported roll widths.
const (
	Paper80 Paper = 80
	Paper58 Paper = 58
)

// ParsePaper parses "80" or "58".
func ParsePaper(s string) (Paper, error) {
	switch s {
	case "80":
		return Paper80, nil
	case "58":
		return Paper58, nil
	}
	return 0, fmt.Errorf("unknown paper width %q (want 80 or 58)", s)
}

// Dots is the printable width in dots at 203 dpi: 576 on 80 mm paper, 384 on 58 mm.
func (p Paper) Dots() int {
	if p == Paper58 {
		return 384
	}
	return 576
}

// Columns is how many half-width characters fit a line at normal size: 48 on 80 mm paper, 32 on
// 58 mm (a Chinese character takes two).
func (p Paper) Columns() int { return p.Dots() / 12 }

// printableMM is the printable width in millimetres.
func (p Paper) printableMM() float64 {
	if p == Paper58 {
		return 48
	}
	return 72
}

// Receipt is one queue receipt.
type Receipt struct {
	Hall       string    // the centre's hall, e.g. 枫桥镇综治中心
	HallPhone  string    // the hall's telephone ([hall] phone), printed at the foot; may be empty
	Service    string    // the service queued for, e.g. 矛盾纠纷调解
	Ticket     string    // the queue number, e.g. A003
	Ahead      int       // how many visitors wait ahead
	Issued     time.Time // when the ticket was taken; printed in its own location
	WaitAt     string    // where to wait, e.g. 请在大厅等候叫号
	MaskedName string    // the visitor's name, already masked by the caller (张*丰); may be empty
	CaseCode   string    // the case code, e.g. 7KQ2-M9XP-4HVT-W3RA
	PublicURL  string    // the centre's public base URL, e.g. https://zz.example.gov.cn
	Reprint    bool      // prints a visible 补打 (reprint) mark
	// Slot is a booked ticket's slot start, in the hall's time zone: the receipt is marked 预约
	// with the time from which it is called. Zero for a walk-in.
	Slot time.Time
}

// QRHint is the line printed under the QR code.
const QRHint = "扫码查询办理进度"

// PhoneLabel introduces the hall's telephone number.
const PhoneLabel = "咨询电话"

// ReprintMark is the mark a reprinted receipt carries.
const ReprintMark = "补打"

// BookedMark marks the receipt of a booked ticket (预约), with its slot's time.
const BookedMark = "预约"

// ErrInvalid is wrapped by the errors of receipts that cannot be printed.
var ErrInvalid = errors.New("invalid receipt")

// TrackingURL returns the public page that tracks case code: base + "/t/" + code. base must be an
// absolute http(s) URL without query or fragment; code may hold only ASCII letters, digits and
// hyphens, so that the URL (and the QR code made of it) carries nothing else.
func TrackingURL(base, code string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("tracking url: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("tracking url: base %q is not an absolute http(s) URL without query: %w", base, ErrInvalid)
	}
	if code == "" || len(code) > 64 {
		return "", fmt.Errorf("tracking url: case code length %d: %w", len(code), ErrInvalid)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return "", fmt.Errorf("tracking url: case code holds %q: %w", c, ErrInvalid)
		}
	}
	for i := 0; i < len(base); i++ {
		if base[i] < 0x21 || base[i] > 0x7E {
			return "", fmt.Errorf("tracking url: base URL is not printable ASCII: %w", ErrInvalid)
		}
	}
	return strings.TrimRight(base, "/") + "/t/" + code, nil
}

// validate checks the fields a receipt cannot do without and returns its tracking URL.
func (r *Receipt) validate() (string, error) {
	if strings.TrimSpace(r.Ticket) == "" {
		return "", fmt.Errorf("no ticket number: %w", ErrInvalid)
	}
	if r.Ahead < 0 {
		return "", fmt.Errorf("negative wait count %d: %w", r.Ahead, ErrInvalid)
	}
	return TrackingURL(r.PublicURL, r.CaseCode)
}

// String returns "80mm" or "58mm".
func (p Paper) String() string { return fmt.Sprintf("%dmm", int(p)) }
