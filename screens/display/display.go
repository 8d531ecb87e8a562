package display

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"fengqiao/app"
	"fengqiao/screens/live"
	"fengqiao/screens/theme"
	"fengqiao/voice"
)

// Options tune the board.
type Options struct {
	History   int           // calls listed; default 6
	Highlight time.Duration // how long a new call stays highlighted; default 6 s
	Voice     *voice.Queue  // speaks each call; nil for a silent board
	Now       func() time.Time
	// Post runs f on Fyne's thread; fyne.Do by default. Tests queue posted functions and run them
	// on the test's goroutine, as the real driver runs them on its one UI thread.
	Post func(f func())
}

// Feed is what the board reads of the hall: its events, and the queue for the waiting counts.
// app.Hall and hub.Client implement it.
type Feed interface {
	live.Subscriber
	Queue(ctx context.Context) (app.QueueStatus, error)
}

// Screen is the display board's widgets around a Model.
type Screen struct {
	opt   Options
	model *Model
	root  fyne.CanvasObject

	clock, status       *canvas.Text
	number, where, kind *canvas.Text
	callBG              *canvas.Rectangle
	history             *fyne.Container
	waiting             *fyne.Container
	waitCounts          []*canvas.Text
	mu                  sync.Mutex
	highlightUntil      time.Time
	loc                 *time.Location // the hall's time zone, for the clock

	// OnShown, if set, is called (on the UI thread) after a call is on the board.
	OnShown func(Call)
}

// Sizes of the board's type, in Fyne units; the board is laid out for a 1920×1080 television.
const (
	numberSize  = 210
	whereSize   = 104
	historySize = 60
	waitingSize = 40
	bandSize    = 44
)

// New returns a board for the hall.
func New(info app.Info, opt Options) *Screen {
	if opt.Highlight <= 0 {
		opt.Highlight = 6 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Post == nil {
		opt.Post = fyne.Do
	}
	s := &Screen{opt: opt, loc: info.Location(), model: NewModel(info, opt.History)}
	s.build()
	return s
}

// Content returns the board's root object.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

// Model returns the board's state.
func (s *Screen) Model() *Model { return s.model }

// Number returns the text of the latest call's number line, as shown (for tests).
func (s *Screen) Number() string { return s.number.Text }

func text(str string, c color.Color, size float32, bold bool) *canvas.Text {
	t := canvas.NewText(str, c)
	t.TextSize = size
	t.TextStyle.Bold = bold
	return t
}

func (s *Screen) build() {
	info := s.model.Info()
	hall := text(info.Name, theme.OnPrimary, bandSize, true)
	s.clock = text("", theme.OnPrimary, bandSize, false)
	band := container.NewStack(canvas.NewRectangle(theme.Navy),
		container.New(layout.NewCustomPaddedLayout(18, 18, 36, 36), container.NewBorder(nil, nil, hall, s.clock)))

	s.callBG = canvas.NewRectangle(theme.Card)
	s.callBG.CornerRadius = 16
	s.kind = text("当前叫号", theme.Muted, 44, false)
	s.kind.Alignment = fyne.TextAlignCenter
	s.number = text("请稍候", theme.Navy, numberSize, true)
	s.number.Alignment = fyne.TextAlignCenter
	s.where = text("", theme.Ink, whereSize, true)
	s.where.Alignment = fyne.TextAlignCenter
	call := container.NewStack(s.callBG, container.New(layout.NewCustomPaddedLayout(36, 36, 24, 24),
		container.NewVBox(s.kind, layout.NewSpacer(), s.number, s.where, layout.NewSpacer())))

	s.history = container.NewVBox()
	histTitle := text("最近叫号", theme.Navy, 48, true)
	histBG := canvas.NewRectangle(theme.Card)
	histBG.CornerRadius = 16
	hist := container.NewStack(histBG, container.New(layout.NewCustomPaddedLayout(24, 24, 36, 36),
		container.NewBorder(container.NewVBox(histTitle, separator()), nil, nil, nil, s.history)))

	cells := []fyne.CanvasObject{}
	for i, w := range s.model.Waiting {
		name := text(w.Name, theme.OnPrimary, waitingSize, false)
		name.Alignment = fyne.TextAlignCenter
		count := text("", theme.OnPrimary, waitingSize*1.5, true)
		count.Alignment = fyne.TextAlignCenter
		s.waitCounts = append(s.waitCounts, count)
		bg := canvas.NewRectangle(theme.ServiceColour(i))
		bg.CornerRadius = 12
		cells = append(cells, container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(10, 12, 16, 16),
			container.NewVBox(name, count))))
	}
	cols := max(1, len(cells))
	s.waiting = container.New(layout.NewCustomPaddedLayout(20, 0, 0, 0), container.NewGridWithColumns(cols, cells...))
	s.status = text("", theme.Alert, 30, true)
	foot := container.NewVBox(s.waiting, container.NewCenter(s.status))
	s.status.Hide()

	body := container.New(&split{ratio: 0.6, gap: 28}, call, hist)
	s.root = container.NewStack(canvas.NewRectangle(theme.Ground), container.NewBorder(band, nil, nil, nil,
		container.New(layout.NewCustomPaddedLayout(28, 24, 36, 36), container.NewBorder(nil, foot, nil, nil, body))))
	s.render()
	s.tick()
}

// bookedBadge is the mark of a booked ticket in the list of calls: 预约, white on green.
func bookedBadge() fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Success)
	bg.CornerRadius = 8
	return container.NewCenter(container.NewStack(bg, container.NewPadded(text(BookedMark, theme.OnPrimary, historySize*0.6, true))))
}

func separator() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Separator)
	r.SetMinSize(fyne.NewSize(0, 3))
	return r
}

// split lays out two objects side by side, the first taking ratio of the width.
type split struct {
	ratio float32
	gap   float32
}

func (l *split) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := (size.Width - l.gap) * l.ratio
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w+l.gap, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w-l.gap, size.Height))
}

func (l *split) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width+l.gap, max(a.Height, b.Height))
}

var weekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

func (s *Screen) tick() {
	now := s.opt.Now().In(s.loc)
	s.clock.Text = fmt.Sprintf("%d年%d月%d日 星期%s  %s", now.Year(), now.Month(), now.Day(),
		weekdays[now.Weekday()], now.Format("15:04:05"))
	s.clock.Refresh()
	s.mu.Lock()
	lit := now.Before(s.highlightUntil)
	s.mu.Unlock()
	s.paintCall(lit)
}

// paintCall shows the current call highlighted (white on deep blue) or calm (blue on white).
func (s *Screen) paintCall(lit bool) {
	fill, num, where, kind := color.Color(theme.Card), color.Color(theme.Navy), color.Color(theme.Ink), color.Color(theme.Muted)
	if lit {
		fill, num, where, kind = theme.Navy, theme.OnPrimary, theme.OnPrimary, theme.OnPrimary
	}
	if s.callBG.FillColor != fill {
		s.callBG.FillColor = fill
		s.number.Color, s.where.Color, s.kind.Color = num, where, kind
		s.callBG.Refresh()
		s.number.Refresh()
		s.where.Refresh()
		s.kind.Refresh()
	}
}

// render draws the model. Call it on the UI thread.
func (s *Screen) render() {
	m := s.model
	if m.Latest != nil {
		s.number.Text, s.where.Text = m.Latest.Headline()
		s.kind.Text = m.Latest.Kind()
	} else {
		s.number.Text, s.where.Text = "请稍候", "请留意叫号"
	}
	s.number.Refresh()
	s.where.Refresh()
	s.kind.Refresh()
	rows := make([]fyne.CanvasObject, 0, len(m.History))
	for i, c := range m.History {
		col := color.Color(theme.Ink)
		if i == 0 {
			col = theme.Navy
		}
		var label fyne.CanvasObject = text(c.Label, col, historySize, true)
		if c.Booked {
			label = container.NewHBox(label, bookedBadge())
		}
		win := text(c.WindowName, col, historySize, i == 0)
		rows = append(rows, container.NewBorder(nil, nil, label, win), separator())
	}
	if len(rows) == 0 {
		rows = append(rows, text("暂无叫号", theme.Muted, historySize*0.7, false))
	}
	s.history.Objects = rows
	s.history.Refresh()
	for i, w := range m.Waiting {
		s.waitCounts[i].Text = "等候 " + strconv.Itoa(w.Count) + " 人"
		s.waitCounts[i].Refresh()
	}
}

// Show puts a call on the board, highlighted. Call it on the UI thread.
func (s *Screen) Show(c Call) {
	s.mu.Lock()
	s.highlightUntil = s.opt.Now().Add(s.opt.Highlight)
	s.mu.Unlock()
	s.render()
	s.paintCall(true)
	if s.OnShown != nil {
		s.OnShown(c)
	}
}

// Apply feeds one event to the board: on the UI thread, the board changes; a call is shown
// highlighted and spoken, unless the event was replayed to catch up: that call is old news, and is
// only listed.
func (s *Screen) Apply(ev app.Event) {
	s.opt.Post(func() {
		c, isCall := s.model.Apply(ev)
		if isCall && !ev.Replayed {
			s.Show(c)
			if s.opt.Voice != nil {
				s.opt.Voice.Say(c.Speech())
			}
			return
		}
		if ev.Ticket != nil {
			s.render()
		}
	})
}

// SetConnected shows or clears the board's notice that the hub cannot be reached. Call it on the
// UI thread.
func (s *Screen) SetConnected(ok bool) {
	s.status.Text = "与叫号服务器的连接中断，正在重新连接…"
	s.status.Hidden = ok
	s.status.Refresh()
}

// Run keeps the board current from hall until ctx ends: it follows the hub's events (the client
// reconnects by itself), takes a queue snapshot every few seconds, after queue changes and when
// the hub resets the stream, and ticks the clock.
func (s *Screen) Run(ctx context.Context, hall Feed) {
	l := &live.Loop{Name: "display", Events: hall, Post: s.opt.Post, Poll: 10 * time.Second, Online: s.SetConnected}
	l.Load = func(ctx context.Context, _ live.Reason) error {
		q, err := hall.Queue(ctx)
		if err != nil {
			return err
		}
		s.opt.Post(func() {
			s.model.SetQueue(q)
			s.render()
		})
		return nil
	}
	l.Event = func(_ context.Context, ev app.Event) {
		s.Apply(ev)
		// A ticket that left the queue some other way than a call changes the waiting counts.
		if ev.Ticket != nil && ev.Kind != app.EventCalled && ev.Kind != app.EventRecalled {
			l.Kick()
		}
	}
	go s.runClock(ctx)
	l.Run(ctx)
}

// runClock ticks the clock every second until ctx ends.
func (s *Screen) runClock(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.opt.Post(s.tick)
		}
	}
}
