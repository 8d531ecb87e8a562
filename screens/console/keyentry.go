package console

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keyEntry is an entry that passes the console's function keys on instead of swallowing them, so
// that F1 … F9 work while the staff member types. It holds no data binding: text committed by
// the operating system's input method arrives whole through TypedRune.
type keyEntry struct {
	widget.Entry
	onKey func(*fyne.KeyEvent) bool
}

// newKeyEntry returns an entry; multiLine makes it a text area.
func newKeyEntry(multiLine bool) *keyEntry {
	e := &keyEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}
