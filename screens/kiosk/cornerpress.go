package kiosk

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// cornerPress is the staff corner: a long press opens the PIN keypad. A short tap does nothing.
type cornerPress struct {
	widget.BaseWidget
	hold    time.Duration
	onLong  func()
	post    func(func())
	content fyne.CanvasObject
	timer   *time.Timer
	downAt  time.Time
	seq     int
}

func newCornerPress(content fyne.CanvasObject, hold time.Duration, post func(func()), onLong func()) *cornerPress {
	c := &cornerPress{hold: hold, onLong: onLong, post: post, content: content}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cornerPress) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.content)
}

// MouseDown starts the long press (a touch on the kiosk's touchscreen arrives as a mouse press).
func (c *cornerPress) MouseDown(*desktop.MouseEvent) {
	c.seq++
	seq := c.seq
	c.downAt = time.Now()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(c.hold, func() {
		c.post(func() {
			if c.seq == seq && !c.downAt.IsZero() {
				c.downAt = time.Time{}
				c.onLong()
			}
		})
	})
}

// MouseUp ends the press; released early, nothing happens.
func (c *cornerPress) MouseUp(*desktop.MouseEvent) {
	c.downAt = time.Time{}
	if c.timer != nil {
		c.timer.Stop()
	}
}

var _ desktop.Mouseable = (*cornerPress)(nil)
