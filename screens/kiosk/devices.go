package kiosk

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/scanner"
)

// CardEvent handles an event of the ID card reader (on Fyne's thread).
func (k *Kiosk) CardEvent(ev idcard.Event) {
	defer clear(ev.Card.Photo)
	switch ev.Kind {
	case idcard.EventState:
		was := k.reader
		k.reader, k.readerKnown = ev.State, true
		if ev.State == idcard.StateDisconnected || ev.State == idcard.StateFault {
			k.cardPresent = false
		}
		if (was == idcard.StateReady || was == idcard.StateReading) != (ev.State == idcard.StateReady || ev.State == idcard.StateReading) {
			k.render()
		}
	case idcard.EventLifted:
		k.cardPresent = false
		if k.flow.Step == StepResult {
			k.render()
		}
	case idcard.EventError:
		k.flow.Touch()
		k.showBanner(Notice{Title: "身份证没有读出来", Body: idcard.Message(ev.Err)}, 8*time.Second)
	case idcard.EventCard:
		k.reader, k.readerKnown, k.cardPresent = ev.State, true, true
		if ev.Err != nil {
			k.flow.Touch()
			k.showBanner(Notice{Title: "这张证件不能使用", Body: idcard.Message(ev.Err), Fault: true}, 10*time.Second)
			return
		}
		if _, err := app.ParseIDNumber(ev.Card.Number); err != nil {
			k.flow.Touch()
			k.showBanner(Notice{Title: "这种证件不能在自助机办理", Body: "请到服务窗口，由工作人员为您登记。"}, 10*time.Second)
			return
		}
		a := k.flow.CardPlaced(ev.Card.DisplayName(), ev.Card.Number)
		if a != ActNone {
			k.banner = Notice{}
			k.render()
			k.act(a)
		}
	}
}

// ScannerEvent handles an event of the serial QR scanner (on Fyne's thread).
func (k *Kiosk) ScannerEvent(ev scanner.Event) {
	if ev.Code == "" {
		k.scannerOK, k.scannerSeen = ev.Connected, true
		if k.flow.Step == StepLookup {
			k.render()
		}
		return
	}
	k.scanned(ev.Code)
}

func (k *Kiosk) scanned(code string) {
	a := k.flow.Scanned(code)
	k.render()
	k.act(a)
}

// TypedRune catches the characters of a scanner in keyboard mode.
func (k *Kiosk) TypedRune(r rune) {
	now := k.opts.Now()
	if now.Sub(k.keyLast) > 2*time.Second {
		k.keyBuf = k.keyBuf[:0]
	}
	k.keyLast = now
	if len(k.keyBuf) < scanner.MaxCode {
		k.keyBuf = append(k.keyBuf, r)
	}
}

// TypedKey ends a keyboard-mode scan at Return or Enter.
func (k *Kiosk) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter {
		return
	}
	code := strings.TrimSpace(string(k.keyBuf))
	k.keyBuf = k.keyBuf[:0]
	if code != "" {
		k.scanned(code)
	}
}

// WatchDevices forwards the reader's and the scanner's events to the kiosk until ctx ends.
func (k *Kiosk) WatchDevices(ctx context.Context, w *idcard.Watcher, s *scanner.Scanner) {
	if w != nil {
		go w.Run(ctx)
		go func() {
			for ev := range w.Events() {
				k.opts.Post(func() { k.CardEvent(ev) })
			}
		}()
	}
	if s != nil {
		go s.Run(ctx)
		go func() {
			for ev := range s.Events() {
				k.opts.Post(func() { k.ScannerEvent(ev) })
			}
		}()
	}
}
