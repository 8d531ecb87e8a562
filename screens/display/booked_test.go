package display

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// texts returns the texts drawn under o.
func texts(o fyne.CanvasObject) []string {
	switch x := o.(type) {
	case *canvas.Text:
		return []string{x.Text}
	case *fyne.Container:
		var out []string
		for _, c := range x.Objects {
			out = append(out, texts(c)...)
		}
		return out
	}
	return nil
}

// TestBookedCall: a booked ticket's call is marked 预约 over the number and in the list of
// calls, and the voice says 预约号 first; a walk-in's is not.
func TestBookedCall(t *testing.T) {
	test.NewTempApp(t)
	s := New(testInfo(), Options{Post: func(f func()) { f() }})
	test.NewTempWindow(t, s.Content())
	slot := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	booked := called(app.EventCalled, "B004", 2, "legal")
	booked.Ticket.Booking, booked.Ticket.Slot = "YY7K3M9Q", &slot
	c, ok := s.model.Apply(booked)
	if !ok || !c.Booked || c.Kind() != "预约 · 当前叫号" || c.Speech() != "预约号，请B零零四号到二号窗口办理" {
		t.Fatalf("booked call %+v: kind %q, speech %q", c, c.Kind(), c.Speech())
	}
	s.Apply(called(app.EventCalled, "A001", 1, "petition"))
	walk := s.model.Latest
	if walk.Booked || walk.Kind() != "当前叫号" || strings.Contains(walk.Speech(), "预约") {
		t.Fatalf("walk-in call %+v: kind %q, speech %q", walk, walk.Kind(), walk.Speech())
	}
	// The list: A001 plain, then B004 with its 预约 badge.
	var rows [][]string
	for _, o := range s.history.Objects {
		if b, ok := o.(*fyne.Container); ok && len(b.Objects) > 0 {
			rows = append(rows, texts(b))
		}
	}
	if len(rows) != 2 || strings.Join(rows[0], " ") != "A001 1号窗口" || strings.Join(rows[1], " ") != "B004 预约 2号窗口" {
		t.Fatalf("calls listed %q", rows)
	}
	recall := booked
	recall.Kind = app.EventRecalled
	s.Apply(recall)
	if s.kind.Text != "预约 · 重复呼叫" || s.Number() != "请 B004 号" {
		t.Errorf("board after the recall: %q, %q", s.kind.Text, s.Number())
	}
}
