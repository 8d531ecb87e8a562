// Package rating is the service rating pad at a window: after the window completes a ticket it
// asks the visitor to rate the service with five big buttons, each a face over its words (非常满意
// … 非常不满意), stores the rating with the ticket, window and staff member through the hub,
// thanks the visitor and returns to idle by itself. It names the staff member serving at the
// window with their 工号, and says so when the hub cannot be reached.
package rating

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/screens/live"
	"fengqiao/screens/theme"
)

// State is what the pad shows.
type State int

// States of the pad.
const (
	Idle   State = iota // waiting for the window to complete a ticket
	Asking              // five buttons for the ticket just completed
	Thanks              // the rating is stored
)

// Options tune the pad.
type Options struct {
	AskFor    time.Duration // back to idle when nobody rates; default 60 s
	ThanksFor time.Duration // how long the thanks stay; default 5 s
	// Post runs f on Fyne's thread; fyne.Do by default. Tests queue posted functions and run them
	// on the test's goroutine, as the real driver runs them on its one UI thread.
	Post func(f func())
}

// Rater stores a visitor's rating: app.Console, and hub.Client for the rating pad's token.
type Rater interface {
	Rate(ctx context.Context, req app.RateRequest) (app.Rating, error)
}

// Feed is what the pad follows of the hall: its events, and the queue for who serves at the
// window. app.Hall and hub.Client implement it.
type Feed interface {
	live.Subscriber
	Queue(ctx context.Context) (app.QueueStatus, error)
}

// Pad is the rating screen of one window.
type Pad struct {
	window int
	name   string // the window's name, e.g. 2号窗口
	info   app.Info
	con    Rater
	opt    Options

	mu     sync.Mutex
	state  State
	ticket app.Ticket
	gen    int // bumps on every state change; stale timers check it

	root            *fyne.Container
	idle, ask, done *fyne.Container
	askTicket       *canvas.Text
	message         *canvas.Text
	staff           *canvas.Text    // who serves at the window, with their 工号
	offline         *fyne.Container // the hub cannot be reached
	buttons         []*faceButton

	// OnState, if set, is called on the UI thread after each state change.
	OnState func(State)
}

// Colours of the five buttons, best to worst.
var scoreColours = map[app.Score]color.NRGBA{
	app.VerySatisfied:    {R: 0x1b, G: 0x6e, B: 0x35, A: 0xff},
	app.Satisfied:        {R: 0x2e, G: 0x8b, B: 0x47, A: 0xff},
	app.FairlySatisfied:  {R: 0x0b, G: 0x5c, B: 0xad, A: 0xff},
	app.Dissatisfied:     {R: 0xb2, G: 0x5a, B: 0x00, A: 0xff},
	app.VeryDissatisfied: {R: 0xb7, G: 0x1c, B: 0x1c, A: 0xff},
}

// New returns the pad of window in hall info, storing ratings through con.
func New(window int, info app.Info, con Rater, opt Options) *Pad {
	if opt.AskFor <= 0 {
		opt.AskFor = 60 * time.Second
	}
	if opt.ThanksFor <= 0 {
		opt.ThanksFor = 5 * time.Second
	}
	if opt.Post == nil {
		opt.Post = fyne.Do
	}
	name := fmt.Sprintf("%d号窗口", window)
	for _, w := range info.Windows {
		if w.ID == window {
			name = w.Name
		}
	}
	p := &Pad{window: window, name: name, info: info, con: con, opt: opt}
	p.build()
	return p
}

func text(s string, c color.Color, size float32, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize, t.TextStyle.Bold, t.Alignment = size, bold, fyne.TextAlignCenter
	return t
}

func (p *Pad) build() {
	p.staff = text("", theme.OnPrimary, 30, false)
	band := container.NewStack(canvas.NewRectangle(theme.Navy), container.New(layout.NewCustomPaddedLayout(12, 12, 24, 24),
		container.NewBorder(nil, nil, text(p.name+" · 服务评价", theme.OnPrimary, 30, true), p.staff)))
	p.offline = container.NewStack(canvas.NewRectangle(theme.Alert), container.New(layout.NewCustomPaddedLayout(8, 8, 24, 24),
		text("与叫号服务器的连接中断，正在重新连接…", theme.OnPrimary, 28, true)))
	p.offline.Hide()

	p.idle = container.NewVBox(layout.NewSpacer(), text("欢迎您", theme.Navy, 72, true),
		text("办理完成后，请您对本次服务作出评价", theme.Muted, 32, false), layout.NewSpacer())

	p.askTicket = text("", theme.Ink, 34, false)
	p.message = text("", theme.Alert, 28, true)
	row := container.NewGridWithColumns(len(app.Scores))
	for _, sc := range app.Scores {
		sc := sc
		b := newFaceButton(sc, scoreColours[sc], func() { p.rate(sc) })
		p.buttons = append(p.buttons, b)
		row.Add(b)
	}
	p.ask = container.NewBorder(container.NewVBox(text("请您对本次服务作出评价", theme.Navy, 48, true), p.askTicket),
		p.message, nil, nil, container.NewVBox(layout.NewSpacer(), row, layout.NewSpacer()))

	p.done = container.NewVBox(layout.NewSpacer(), text("感谢您的评价！", theme.Success, 72, true),
		text("祝您生活愉快", theme.Muted, 32, false), layout.NewSpacer())

	body := container.NewStack(p.idle, p.ask, p.done)
	p.root = container.NewStack(canvas.NewRectangle(theme.Ground), container.NewBorder(container.NewVBox(band, p.offline), nil, nil, nil,
		container.New(layout.NewCustomPaddedLayout(24, 24, 24, 24), body)))
	p.show(Idle)
}

// Content returns the pad's root object.
func (p *Pad) Content() fyne.CanvasObject { return p.root }

// State returns what the pad shows.
func (p *Pad) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// show switches to state s and arms its timer. Call it on the UI thread.
func (p *Pad) show(s State) {
	p.mu.Lock()
	p.state = s
	p.gen++
	gen := p.gen
	label := p.ticket.Label
	p.mu.Unlock()
	p.idle.Hidden, p.ask.Hidden, p.done.Hidden = s != Idle, s != Asking, s != Thanks
	p.message.Text = ""
	p.askTicket.Text = "您的号码 " + label + "，" + p.name
	for _, b := range p.buttons {
		b.SetDisabled(false)
	}
	p.root.Refresh()
	var after time.Duration
	switch s {
	case Asking:
		after = p.opt.AskFor
	case Thanks:
		after = p.opt.ThanksFor
	}
	if after > 0 {
		time.AfterFunc(after, func() {
			p.opt.Post(func() {
				p.mu.Lock()
				stale := p.gen != gen
				p.mu.Unlock()
				if !stale {
					p.show(Idle)
				}
			})
		})
	}
	if p.OnState != nil {
		p.OnState(s)
	}
}

// Apply takes a hub event: a ticket completed at this window asks for a rating, unless the event
// was replayed to catch up (that visitor has likely gone).
func (p *Pad) Apply(ev app.Event) {
	if ev.Kind != app.EventCompleted || ev.Ticket == nil || ev.Window != p.window || ev.Replayed {
		return
	}
	tk := *ev.Ticket
	p.opt.Post(func() {
		p.mu.Lock()
		p.ticket = tk
		p.mu.Unlock()
		p.show(Asking)
	})
}

// rate stores the score for the current ticket. The buttons stay disabled while the call is in
// flight, so a double press rates once.
func (p *Pad) rate(sc app.Score) {
	p.mu.Lock()
	if p.state != Asking {
		p.mu.Unlock()
		return
	}
	tk, gen := p.ticket, p.gen
	p.mu.Unlock()
	for _, b := range p.buttons {
		b.SetDisabled(true)
	}
	live.Worker{Post: p.opt.Post, Timeout: 15 * time.Second}.Go(context.Background(), func(ctx context.Context) func() {
		_, err := p.con.Rate(ctx, app.RateRequest{Window: p.window, Ticket: tk.ID, Score: sc})
		return func() {
			p.mu.Lock()
			stale := p.gen != gen
			p.mu.Unlock()
			if stale {
				return
			}
			switch {
			case err == nil, app.ErrorCode(err) == app.ECONFLICT: // stored, or already rated
				p.show(Thanks)
			default:
				slog.Warn("rating not stored", "window", p.window, "err", err)
				p.message.Text = "评价未能提交，请再按一次"
				if errors.Is(err, hub.ErrUnreachable) {
					p.message.Text = "网络连接中断，请稍后再按一次"
				}
				p.message.Refresh()
				for _, b := range p.buttons {
					b.SetDisabled(false)
				}
			}
		}
	})
}

// SetStaff shows who serves at the window ("" for nobody signed in), with their 工号. Call it on
// the UI thread.
func (p *Pad) SetStaff(name string) {
	p.staff.Text = ""
	if name != "" {
		p.staff.Text = "工作人员 " + name
		if id := p.info.StaffID(name); id != "" {
			p.staff.Text += " · 工号 " + id
		}
	}
	p.staff.Refresh()
}

// SetOnline shows or clears the notice that the hub cannot be reached. Call it on the UI thread.
func (p *Pad) SetOnline(ok bool) {
	if ok {
		p.offline.Hide()
	} else {
		p.offline.Show()
	}
	p.root.Refresh()
}

// pollEvery is how often the pad checks the hub when no event came.
const pollEvery = 5 * time.Second

// Run follows hall's events until ctx ends. It reads the window's state (who serves there; is the
// hub reachable) at the start, every few seconds, on every ticket event of the window and after the
// hub resets the stream. Replayed events never prompt, and the first live event after a replay or
// a reset waits for a fresh look at the queue, so a pad back after an outage asks nobody about a
// visitor long gone.
func (p *Pad) Run(ctx context.Context, hall Feed) {
	l := &live.Loop{Name: "rating pad", Events: hall, Post: p.opt.Post, Poll: pollEvery, Online: p.SetOnline,
		Outage: func(err error) bool { return errors.Is(err, hub.ErrUnreachable) }}
	l.Load = func(ctx context.Context, why live.Reason) error {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q, err := hall.Queue(c)
		if err == nil && ctx.Err() == nil {
			p.opt.Post(func() {
				for _, w := range q.Windows {
					if w.ID == p.window {
						p.SetStaff(w.Staff)
					}
				}
			})
		}
		if why == live.Reset {
			// What happened meanwhile is unknown: ask about nothing from before.
			p.opt.Post(func() { p.show(Idle) })
		}
		return err
	}
	stale := false
	l.Event = func(ctx context.Context, ev app.Event) {
		if ev.Replayed {
			stale = true
			return
		}
		if stale || ev.Window == p.window && ev.Ticket != nil {
			l.Reload(ctx, live.Kick)
			stale = false
		}
		p.Apply(ev)
	}
	l.Run(ctx)
}
