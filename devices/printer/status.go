package printer

import (
	"errors"
	"fmt"
)

// PaperStatus is what the printer's paper sensors report.
type PaperStatus int

// Paper states.
const (
	PaperUnknown PaperStatus = iota // the printer cannot tell (e.g. a CUPS queue)
	PaperOK
	PaperNearEnd // the roll is nearly used up
	PaperOut     // no paper; the printer does not print
)

// String returns "unknown", "ok", "near end" or "out".
func (s PaperStatus) String() string {
	switch s {
	case PaperOK:
		return "ok"
	case PaperNearEnd:
		return "near end"
	case PaperOut:
		return "out"
	}
	return "unknown"
}

// Message returns the Chinese message for hall staff: 打印纸即将用完 (near end), 打印纸已用完
// (out), 打印纸正常 (ok) or 打印纸状态未知 (unknown).
func (s PaperStatus) Message() string {
	switch s {
	case PaperOK:
		return "打印纸正常"
	case PaperNearEnd:
		return "打印纸即将用完"
	case PaperOut:
		return "打印纸已用完"
	}
	return "打印纸状态未知"
}

// StatusRequest is DLE EOT 4, the real-time request for the paper roll sensor status. Printers
// answer it at once, even while busy; GS r 1 waits for the buffer to drain and cannot report
// paper out.
var StatusRequest = []byte{0x10, 0x04, 0x04}

// DrainRequest is GS r 1, the paper sensor status request that the printer answers only once it
// has printed everything in its buffer: the answer confirms a job went through.
var DrainRequest = []byte{0x1D, 0x72, 0x01}

// NeedsStaff reports whether hall staff should be alerted: the paper is near its end or out.
func (s PaperStatus) NeedsStaff() bool { return s == PaperNearEnd || s == PaperOut }

// ErrBadReply is wrapped by the error of a status reply that is not a valid DLE EOT 4 answer.
var ErrBadReply = errors.New("invalid status reply")

// ParseStatus decodes the one-byte reply to DLE EOT 4. A valid reply matches 0xx1xx10 in binary;
// bits 2–3 (0x0C) report the paper near its end and bits 5–6 (0x60) report it out.
func ParseStatus(b byte) (PaperStatus, error) {
	if b&0x93 != 0x12 {
		return PaperUnknown, fmt.Errorf("%w: %#02x", ErrBadReply, b)
	}
	switch {
	case b&0x60 != 0:
		return PaperOut, nil
	case b&0x0C != 0:
		return PaperNearEnd, nil
	}
	return PaperOK, nil
}
