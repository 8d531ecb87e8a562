package kiosk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/screens/live"
	kt "fengqiao/screens/theme"
)

// Speaker speaks prompts (package voice); Say must not block.
type Speaker interface{ Say(text string) }

// Hall is what the kiosk asks of the hall: who it is, the waiting counts and their changes, a
// ticket, a case by its receipt, a card holder's open cases, staff help, and appointments (预约):
// a card holder's booking of the day and check-in. store.Hall and hub.Client implement it.
type Hall interface {
	live.Subscriber
	Info(ctx context.Context) (app.Info, error)
	Queue(ctx context.Context) (app.QueueStatus, error)
	Issue(ctx context.Context, req app.IssueRequest) (app.Ticket, error)
	Case(ctx context.Context, code string) (app.Case, error)
	OpenCases(ctx context.Context, idNumber string) ([]app.Case, error)
	RequestHelp(ctx context.Context, source string) (app.HelpAlert, error)
	CardBooking(ctx context.Context, idNumber string) (app.Booking, error)
	CheckInBooking(ctx context.Context, req app.BookingCheckIn) (app.CheckInResult, error)
}

// Options configure a Kiosk.
type Options struct {
	Hall        Hall
	Info        app.Info // the hall; fetched from Hall if Name is empty
	Printer     Printer  // nil: no printer (the number and QR are shown on screen)
	Speaker     Speaker  // nil: silent
	IdleAfter   time.Duration
	ResultAfter time.Duration
	ElderlyAge  int
	StaffPIN    string        // bcrypt hash of the staff PIN
	Source      string        // this kiosk's name in help alerts, e.g. 大厅自助机
	ReaderPlace string        // where the card reader is, e.g. 屏幕下方
	Portrait    bool          // a portrait screen: the size before the window is laid out
	Size        fyne.Size     // the screen's size, if known before the window is laid out
	LongPress   time.Duration // staff corner hold; 3 s by default
	Location    *time.Location
	Now         func() time.Time
	// Post runs f on Fyne's thread; fyne.Do by default. Tests queue and run posted functions.
	Post func(f func())
	// Sync runs hub calls inline instead of in goroutines (headless screenshots).
	Sync   bool
	OnQuit func() // the staff menu's 退出自助机
	Log    *slog.Logger
}

// Sizes of the two orientations at 1080p.
var (
	Landscape = fyne.NewSize(1920, 1080)
	Portrait  = fyne.NewSize(1080, 1920)
)

// Kiosk is the kiosk's UI. Create it with New, put Content in a window (or call Attach), and feed
// it device events (WatchDevices) and ticks (Run).
type Kiosk struct {
	opts Options
	flow *Flow
	root *fyne.Container
	th   *kt.Theme
	log  *slog.Logger
	ctx  context.Context

	waiting     map[string]int
	queueOK     bool
	reader      idcard.State
	readerKnown bool
	scannerOK   bool
	scannerSeen bool
	banner      Notice
	bannerUntil time.Time
	cardPresent bool      // a card lies on the reader
	size        fyne.Size // the window's size; the layout follows it
	lastTick    time.Time
	spoken      Step
	spokenGen   uint64
	clock       *canvas.Text
	countdown   *canvas.Text

	keyBuf  []rune
	keyLast time.Time
	refresh bool // a queue refresh is in flight
}

// New returns a kiosk at its home screen.
func New(ctx context.Context, opts Options) *Kiosk {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Post == nil {
		opts.Post = fyne.Do
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.LongPress <= 0 {
		opts.LongPress = 3 * time.Second
	}
	if opts.Source == "" {
		opts.Source = "大厅自助机"
	}
	if opts.ReaderPlace == "" {
		opts.ReaderPlace = "屏幕下方"
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Info.Name == "" && opts.Hall != nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		if info, err := opts.Hall.Info(c); err == nil {
			opts.Info = info
		}
		cancel()
	}
	k := &Kiosk{opts: opts, log: opts.Log, ctx: ctx, waiting: map[string]int{}, spoken: -1, size: opts.Size}
	if k.size.IsZero() {
		k.size = Landscape
		if opts.Portrait {
			k.size = Portrait
		}
	}
	k.flow = NewFlow(opts.Info, opts.IdleAfter, opts.ResultAfter, opts.ElderlyAge, opts.Now)
	k.th = k.theme()
	// The theme before the first text is measured: Fyne caches fonts per style, and a cache
	// filled under the default theme draws Chinese in whatever system font there is, or none.
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(k.th)
	}
	k.root = container.New(screenLayout{k})
	k.render()
	k.refreshQueue()
	return k
}

// Content is the kiosk's whole screen.
func (k *Kiosk) Content() fyne.CanvasObject { return k.root }

// Attach makes w the kiosk: full screen, no menu, close intercepted, screen blanking off, keys of
// keyboard-mode scanners caught. The window keeps its size: the kiosk fits itself into it.
func (k *Kiosk) Attach(w fyne.Window, fullScreen bool) {
	// The theme first: text measured before it would be cached in the default theme's fonts.
	fyne.CurrentApp().Settings().SetTheme(k.th)
	k.render()
	w.SetContent(k.root)
	w.SetPadded(false)
	w.SetFixedSize(true)
	w.SetMainMenu(nil)
	w.SetCloseIntercept(func() { k.log.Info("kiosk: close request ignored; staff leave through the PIN") })
	if fullScreen {
		w.SetFullScreen(true)
	}
	fyne.CurrentApp().Driver().SetDisableScreenBlanking(true)
	w.Canvas().SetOnTypedRune(k.TypedRune)
	w.Canvas().SetOnTypedKey(k.TypedKey)
}

// Resize lays the kiosk out for a screen of the given size (the window does this by itself).
func (k *Kiosk) Resize(size fyne.Size) {
	k.size = size
	k.render()
}

// Run ticks the clock, the idle timer and the queue counts until ctx ends.
func (k *Kiosk) Run(ctx context.Context) {
	if k.opts.Hall != nil {
		go k.follow(ctx)
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			k.opts.Post(k.Tick)
		}
	}
}

// follow keeps the waiting counts current until ctx ends: on every ticket event, after a stream
// reset and every 30 s.
func (k *Kiosk) follow(ctx context.Context) {
	l := &live.Loop{Name: "kiosk", Events: k.opts.Hall, Post: k.opts.Post, Poll: 30 * time.Second}
	l.Load = func(ctx context.Context, _ live.Reason) error {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		q, err := k.opts.Hall.Queue(c)
		k.opts.Post(func() { k.showQueue(q, err) })
		return err
	}
	l.Event = func(_ context.Context, ev app.Event) {
		if ev.Kind.OfTicket() {
			l.Kick()
		}
	}
	l.Run(ctx)
}

// Tick advances the clock and the timers.
func (k *Kiosk) Tick() {
	now := k.opts.Now()
	if k.banner.Title != "" && !k.lastTick.IsZero() {
		// While a notice asks the visitor to wait here, nothing times out.
		k.flow.Touch()
		k.flow.Pause(now.Sub(k.lastTick))
	}
	k.lastTick = now
	if k.flow.Tick() {
		k.render()
		return
	}
	if !k.bannerUntil.IsZero() && now.After(k.bannerUntil) {
		k.banner, k.bannerUntil = Notice{}, time.Time{}
		k.render()
		return
	}
	if k.clock != nil {
		k.clock.Text = k.clockText()
		k.clock.Refresh()
	}
	if k.countdown != nil && k.flow.Step == StepResult {
		k.countdown.Text = k.countdownText()
		k.countdown.Refresh()
	}
}

// async runs work off the UI thread (unless Sync) and applies its result on it.
func (k *Kiosk) async(work func(ctx context.Context) func()) {
	live.Worker{Post: k.opts.Post, Timeout: 20 * time.Second, Inline: k.opts.Sync}.Go(k.ctx, work)
}

func (k *Kiosk) refreshQueue() {
	if k.opts.Hall == nil || k.refresh {
		return
	}
	k.refresh = true
	k.async(func(ctx context.Context) func() {
		q, err := k.opts.Hall.Queue(ctx)
		return func() {
			k.refresh = false
			k.showQueue(q, err)
		}
	})
}

// showQueue takes a read of the queue (or its error): the waiting counts on the home and service
// screens. Call it on the UI thread.
func (k *Kiosk) showQueue(q app.QueueStatus, err error) {
	if err != nil {
		k.queueOK = false
		k.log.Warn("kiosk: queue", "err", err)
		if k.flow.Step == StepHome {
			k.render()
		}
		return
	}
	k.queueOK = true
	for _, s := range q.Services {
		k.waiting[s.Service] = s.Waiting
	}
	if k.flow.Step == StepHome || k.flow.Step == StepService {
		k.render()
	}
}

// act carries out what a Flow call asks of the hub.
func (k *Kiosk) act(a Action) {
	gen := k.flow.Gen
	switch a {
	case ActOpenCases:
		// Only for an identity read from the card itself: a typed number never reveals cases.
		if !k.flow.S.FromCard {
			return
		}
		id := string(k.flow.S.IDNumber)
		k.findCardBooking(gen, id)
		k.async(func(ctx context.Context) func() {
			cases, err := k.opts.Hall.OpenCases(ctx, id)
			return func() {
				if err != nil {
					k.log.Warn("kiosk: open cases", "err", err)
					return
				}
				k.flow.OpenCasesLoaded(gen, cases)
				k.render()
			}
		})
	case ActLookupCard:
		id := string(k.flow.S.IDNumber)
		k.async(func(ctx context.Context) func() {
			cases, err := k.opts.Hall.OpenCases(ctx, id)
			return func() {
				if err != nil {
					k.flow.Failed(gen, err)
				} else {
					k.flow.CasesLoaded(gen, cases)
				}
				k.render()
			}
		})
	case ActFetchCase:
		code := string(k.flow.S.Code)
		k.async(func(ctx context.Context) func() {
			c, err := k.opts.Hall.Case(ctx, code)
			return func() {
				if err != nil {
					k.flow.Failed(gen, err)
				} else {
					k.flow.CaseLoaded(gen, c)
				}
				k.render()
			}
		})
	case ActIssue:
		req := k.flow.IssueRequest()
		svc, _ := k.flow.Service()
		masked := ""
		if req.Visitor != nil && req.Visitor.FromCard {
			masked = app.MaskName(req.Visitor.Name)
		}
		k.async(func(ctx context.Context) func() {
			t, err := k.opts.Hall.Issue(ctx, req)
			if err != nil {
				return func() {
					k.log.Info("kiosk: ticket refused", "code", app.ErrorCode(err))
					k.flow.Failed(gen, err)
					k.render()
				}
			}
			printErr := k.printTicket(ctx, t, svc.Name, masked)
			return func() {
				k.log.Info("kiosk: ticket issued", "ticket", t.Label, "service", t.Service)
				k.flow.Issued(gen, t, printErr)
				k.render()
				// Staff hear of a printer out of paper from the print queue's alert
				// (cli/kioskdevices.go), once per condition rather than once per visitor.
			}
		})
	case ActCheckIn:
		k.checkIn(gen)
	}
}

// help raises a help alert (呼叫工作人员).
func (k *Kiosk) help(reason string) {
	src := k.opts.Source
	if reason != "" {
		src += "：" + reason
	}
	if k.opts.Hall == nil {
		return
	}
	visitor := reason == ""
	k.async(func(ctx context.Context) func() {
		_, err := k.opts.Hall.RequestHelp(ctx, src)
		return func() {
			if !visitor {
				return
			}
			if err != nil {
				k.log.Warn("kiosk: help", "err", err)
				k.showBanner(Notice{Title: "呼叫没有成功", Body: "请到服务窗口直接找工作人员。", Fault: true}, 20*time.Second)
				return
			}
			k.showBanner(helpNotice, 30*time.Second)
			k.say("已通知工作人员，请在这里稍候")
		}
	})
}

func (k *Kiosk) showBanner(n Notice, d time.Duration) {
	k.banner, k.bannerUntil = n, k.opts.Now().Add(d)
	k.render()
}

func (k *Kiosk) say(s string) {
	if k.opts.Speaker != nil {
		k.opts.Speaker.Say(s)
	}
}

func (k *Kiosk) checkPIN(pin []byte) bool {
	if k.opts.StaffPIN == "" || len(pin) == 0 {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(k.opts.StaffPIN), pin) == nil
}

// helpNotice is the banner after 呼叫工作人员.
var helpNotice = Notice{Title: "已通知工作人员", Body: "请在这里稍候，工作人员马上过来帮您。"}

// applyTheme makes the app's theme the kiosk's for its size and mode.
func (k *Kiosk) applyTheme() {
	th := k.theme()
	if k.th.Scale == th.Scale {
		return
	}
	k.th = th
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(th)
	}
}

// ---- look ----

// render draws the current step.
func (k *Kiosk) render() {
	bg := canvas.NewRectangle(kt.Ground)
	k.root.Objects = []fyne.CanvasObject{bg, k.build()}
	k.root.Refresh()
	k.prompt()
}

// build returns the current step's page for the kiosk's size and mode.
func (k *Kiosk) build() fyne.CanvasObject {
	k.applyTheme()
	k.clock, k.countdown = nil, nil
	var o fyne.CanvasObject
	switch k.flow.Step {
	case StepHome:
		o = k.homeScreen()
	case StepService:
		o = k.serviceScreen()
	case StepIdentify:
		o = k.identifyScreen()
	case StepIDKeypad:
		o = k.idKeypadScreen()
	case StepPhone:
		o = k.phoneScreen()
	case StepConfirm:
		o = k.confirmScreen()
	case StepCategory:
		o = k.categoryScreen()
	case StepBusy:
		o = k.busyScreen()
	case StepResult:
		o = k.resultScreen()
	case StepLookup:
		o = k.lookupScreen()
	case StepCodeKeypad:
		o = k.codeKeypadScreen()
	case StepCaseList:
		o = k.caseListScreen()
	case StepCase:
		o = k.caseScreen()
	case StepMessage:
		o = k.messageScreen()
	case StepPIN:
		o = k.pinScreen()
	case StepStaff:
		o = k.staffScreen()
	}
	return o
}

// prompt speaks the key instruction of a step once when it appears.
func (k *Kiosk) prompt() {
	if k.spoken == k.flow.Step && k.spokenGen == k.flow.Gen {
		return
	}
	k.spoken, k.spokenGen = k.flow.Step, k.flow.Gen
	switch k.flow.Step {
	case StepService:
		k.say("请选择要办理的事项")
	case StepIdentify:
		k.say("请将身份证放在感应区")
	case StepIDKeypad:
		k.say("请输入身份证号码")
	case StepPhone:
		k.say("请输入手机号码，没有手机请点「" + k.skipPhoneLabel() + "」")
	case StepConfirm:
		k.say("请核对信息，然后点「" + agreeLabel + "」")
	case StepCategory:
		k.say("请选择是哪方面的事，也可以不选")
	case StepResult:
		if t := k.flow.S.Ticket; t != nil {
			s := fmt.Sprintf("取号成功，您的号码是%s号，请在等候区等候叫号", spell(t.Label))
			if t.Booked() {
				s = fmt.Sprintf("预约签到成功，您的号码是%s号，%s起叫号", spell(t.Label), t.Slot.In(k.opts.Location).Format("15点04分"))
			}
			if k.cardOnReader() {
				s += "。" + takeCard
			}
			k.say(s)
		}
	case StepLookup:
		k.say("请扫描回执上的二维码，或将身份证放在感应区，或点「" + typeCodeLabel + "」")
	case StepMessage:
		k.say(k.flow.S.Notice.Title)
	}
}

// cardOnReader reports whether the visitor's card still lies on the reader after the ticket.
func (k *Kiosk) cardOnReader() bool { return k.cardPresent && k.flow.S.FromCard }

// spell reads a ticket label's digits one by one in Chinese: A003 → A零零三.
func spell(label string) string {
	const digits = "零一二三四五六七八九"
	var sb strings.Builder
	for _, r := range label {
		if r >= '0' && r <= '9' {
			sb.WriteString(string([]rune(digits)[r-'0']))
		} else {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
