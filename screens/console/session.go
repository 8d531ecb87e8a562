package console

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/screens/live"
)

// Client is what the whole console needs of the hub, part by part; hub.Client implements it.
// Session uses all of it; each part is as small as what uses it.
type Client interface {
	Staffing
	Desk
	Casework
	Monitor
}

// Staffing signs staff in and out at the window (the sign-in card and 退出).
type Staffing interface {
	SignIn(ctx context.Context, req app.SignInRequest) (app.StaffSession, error)
	SignOut(ctx context.Context, session string) error
}

// Desk is the window's queue actions, the function keys F1 … F9 and the queue panel's buttons.
type Desk interface {
	CallNext(ctx context.Context, session string) (app.Ticket, error)
	CallNumber(ctx context.Context, window int, label string) (app.Ticket, error)
	Recall(ctx context.Context, window int) (app.Ticket, error)
	Skip(ctx context.Context, window int) (app.Ticket, error)
	Transfer(ctx context.Context, window int, service string) (app.Ticket, error)
	Hold(ctx context.Context, window int) (app.Ticket, error)
	Resume(ctx context.Context, window int, label string) (app.Ticket, error)
	Start(ctx context.Context, window int) (app.Ticket, error)
	Complete(ctx context.Context, window int) (app.Ticket, error)
	SetPaused(ctx context.Context, window int, paused bool) (app.WindowState, error)
	// ConfirmPriority records that the window's staff checked the priority of its current ticket
	// (the card of a typed ID number, a declaration) and returns the ticket.
	ConfirmPriority(ctx context.Context, window int) (app.Ticket, error)
}

// Casework is the current visitor and their case: the history, the audited full identity and the
// case form's changes; and any case by its code with its follow-ups (the 镇级受理案件 page).
type Casework interface {
	History(ctx context.Context, session string) (app.VisitorHistory, error)
	Reveal(ctx context.Context, session string) (app.Visitor, error)
	ChangeCase(ctx context.Context, code string, change app.CaseChange) (app.Case, error)
	Case(ctx context.Context, code string) (app.Case, error)
	AddFollowUp(ctx context.Context, code string, note, by string) (app.Case, error)
}

// Monitor is what the console follows of the hall (Screen.Run): the events, the queue, the help
// alerts and the window's counts for the day.
type Monitor interface {
	live.Subscriber
	Queue(ctx context.Context) (app.QueueStatus, error)
	OpenHelp(ctx context.Context) ([]app.HelpAlert, error)
	TakeHelp(ctx context.Context, id int64, by string) (app.HelpAlert, error)
	WindowStats(ctx context.Context, window int) (app.WindowStats, error)
}

// Action is one queue action of the console.
type Action string

// Actions and their function keys.
const (
	ActCall     Action = "call"     // F1 叫号
	ActRecall   Action = "recall"   // F2 重呼
	ActSkip     Action = "skip"     // F3 过号
	ActTransfer Action = "transfer" // F4 转移
	ActHold     Action = "hold"     // F5 挂起
	ActPause    Action = "pause"    // F6 暂停 / 恢复
	ActStart    Action = "start"    // F7 开始办理
	ActComplete Action = "complete" // F9 完成
	ActNumber   Action = "number"   // 指定叫号
	ActResume   Action = "resume"   // 恢复挂起的号
	ActReprint  Action = "reprint"  // 补打凭条
	ActSave     Action = "save"     // 保存案件
	ActReveal   Action = "reveal"   // 查看完整信息
	ActHelp     Action = "help"     // 接收呼叫
	ActConfirm  Action = "confirm"  // 核验优先资格
	ActSignIn   Action = "signin"
)

// ErrBusy is returned for an action pressed again while its call is still in flight.
var ErrBusy = errors.New("console: the action is already in progress")

// Session is a window console's state apart from any widget: who is signed in, the window's
// current and held tickets, the queue, open help alerts, whether the hub is reachable, and which
// actions are in flight.
type Session struct {
	c      Client
	Window int
	Info   app.Info

	mu       sync.Mutex
	staff    *app.StaffSession
	inflight map[Action]bool
	state    app.WindowState
	queue    app.QueueStatus
	help     []app.HelpAlert
	online   bool
}

// NewSession returns the console state of window, served by c.
func NewSession(c Client, window int, info app.Info) *Session {
	return &Session{c: c, Window: window, Info: info, inflight: map[Action]bool{}, online: true}
}

// Client returns the session's hub client.
func (s *Session) Client() Client { return s.c }

// Staff returns the signed-in staff session, or nil.
func (s *Session) Staff() *app.StaffSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.staff
}

// WindowName returns the window's name, e.g. 2号窗口.
func (s *Session) WindowName() string {
	for _, w := range s.Info.Windows {
		if w.ID == s.Window {
			return w.Name
		}
	}
	return fmt.Sprintf("%d号窗口", s.Window)
}

// WindowServices returns the services the window is configured for.
func (s *Session) WindowServices() []string {
	for _, w := range s.Info.Windows {
		if w.ID == s.Window {
			return w.Services
		}
	}
	return nil
}

// Begin marks an action as in flight; it fails with ErrBusy if it already is.
func (s *Session) Begin(a Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight[a] {
		return ErrBusy
	}
	s.inflight[a] = true
	return nil
}

// End marks an action as finished.
func (s *Session) End(a Action) {
	s.mu.Lock()
	delete(s.inflight, a)
	s.mu.Unlock()
}

// InFlight reports whether an action's call is in flight.
func (s *Session) InFlight(a Action) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight[a]
}

// Online reports whether the last call reached the hub.
func (s *Session) Online() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online
}

// note records whether err says the hub is unreachable, and returns err.
func (s *Session) note(err error) error {
	s.mu.Lock()
	s.online = !errors.Is(err, hub.ErrUnreachable)
	s.mu.Unlock()
	return err
}

// SignIn signs a staff member in at the window for the given services.
func (s *Session) SignIn(ctx context.Context, name, pin string, services []string) (app.StaffSession, error) {
	st, err := s.c.SignIn(ctx, app.SignInRequest{Window: s.Window, Name: name, PIN: pin, Services: services})
	if s.note(err) != nil {
		return st, err
	}
	s.mu.Lock()
	s.staff = &st
	s.mu.Unlock()
	return st, nil
}

// SignOut ends the staff session.
func (s *Session) SignOut(ctx context.Context) error {
	st := s.Staff()
	if st == nil {
		return nil
	}
	err := s.note(s.c.SignOut(ctx, st.Token))
	s.mu.Lock()
	s.staff = nil
	s.mu.Unlock()
	return err
}

func (s *Session) token() string {
	if st := s.Staff(); st != nil {
		return st.Token
	}
	return ""
}

// Do performs one queue action as one hub call. arg is the service for ActTransfer and the ticket
// label for ActNumber and ActResume.
func (s *Session) Do(ctx context.Context, a Action, arg string) (app.Ticket, error) {
	var tk app.Ticket
	var err error
	w := s.Window
	switch a {
	case ActCall:
		tk, err = s.c.CallNext(ctx, s.token())
	case ActRecall:
		tk, err = s.c.Recall(ctx, w)
	case ActSkip:
		tk, err = s.c.Skip(ctx, w)
	case ActTransfer:
		tk, err = s.c.Transfer(ctx, w, arg)
	case ActHold:
		tk, err = s.c.Hold(ctx, w)
	case ActStart:
		tk, err = s.c.Start(ctx, w)
	case ActComplete:
		tk, err = s.c.Complete(ctx, w)
	case ActNumber:
		tk, err = s.c.CallNumber(ctx, w, arg)
	case ActResume:
		tk, err = s.c.Resume(ctx, w, arg)
	case ActPause:
		var st app.WindowState
		st, err = s.c.SetPaused(ctx, w, !s.State().Paused)
		if err == nil {
			s.mu.Lock()
			s.state.Paused = st.Paused
			s.mu.Unlock()
		}
	default:
		err = app.Errorf(app.EINVALID, "unknown action %q", a)
	}
	return tk, s.note(err)
}

// Refresh reloads the queue and the window's state from the hub.
func (s *Session) Refresh(ctx context.Context) error {
	q, err := s.c.Queue(ctx)
	if s.note(err) != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = q
	s.state = app.WindowState{ID: s.Window}
	for _, w := range q.Windows {
		if w.ID == s.Window {
			s.state = w
		}
	}
	return nil
}

// RefreshHelp reloads the open help alerts.
func (s *Session) RefreshHelp(ctx context.Context) error {
	h, err := s.c.OpenHelp(ctx)
	if s.note(err) != nil {
		return err
	}
	s.mu.Lock()
	s.help = h
	s.mu.Unlock()
	return nil
}

// State returns the window's last known state.
func (s *Session) State() app.WindowState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Queue returns the last known queue.
func (s *Session) Queue() app.QueueStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue
}

// Help returns the open help alerts.
func (s *Session) Help() []app.HelpAlert {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]app.HelpAlert(nil), s.help...)
}

// TakeHelp takes a help alert in the staff member's name.
func (s *Session) TakeHelp(ctx context.Context, id int64) error {
	by := ""
	if st := s.Staff(); st != nil {
		by = st.Staff
	}
	_, err := s.c.TakeHelp(ctx, id, by)
	if s.note(err) == nil || app.ErrorCode(err) == app.ECONFLICT {
		return s.RefreshHelp(ctx)
	}
	return err
}

// History returns the current visitor's history.
func (s *Session) History(ctx context.Context) (app.VisitorHistory, error) {
	h, err := s.c.History(ctx, s.token())
	return h, s.note(err)
}

// Reveal returns the current visitor's full identity; the hub audits it.
func (s *Session) Reveal(ctx context.Context) (app.Visitor, error) {
	v, err := s.c.Reveal(ctx, s.token())
	return v, s.note(err)
}

// ConfirmPriority records that the staff member checked the current ticket's priority, and shows
// the ticket as confirmed at once.
func (s *Session) ConfirmPriority(ctx context.Context) (app.Ticket, error) {
	tk, err := s.c.ConfirmPriority(ctx, s.Window)
	if s.note(err) != nil {
		return tk, err
	}
	s.mu.Lock()
	if cur := s.state.Current; cur != nil && cur.ID == tk.ID {
		s.state.Current = &tk
	}
	s.mu.Unlock()
	return tk, nil
}

// Stats returns the window's counts for today.
func (s *Session) Stats(ctx context.Context) (app.WindowStats, error) {
	st, err := s.c.WindowStats(ctx, s.Window)
	return st, s.note(err)
}

// SaveCase applies the form to the case as a series of case changes, one hub call (and one hub
// event) each, and returns the case as it ends up.
func (s *Session) SaveCase(ctx context.Context, c app.Case, f CaseForm) (app.Case, error) {
	if st := s.Staff(); st != nil {
		f.By = st.Staff
	}
	steps, err := f.Plan(c)
	if err != nil {
		return c, err
	}
	for _, ch := range steps {
		next, err := s.c.ChangeCase(ctx, c.Code, ch)
		if s.note(err) != nil {
			return c, err
		}
		c = next
	}
	return c, nil
}

// Handling choices of the case form.
const (
	HandleAccept    = "受理"
	HandleReject    = "不予受理"
	HandleMediation = "调解"
	HandleReferral  = "转办"
)

// Handlings lists the form's handling choices.
var Handlings = []string{HandleAccept, HandleReject, HandleMediation, HandleReferral}

// Results lists the case results the form offers.
var Results = []app.CaseResult{app.ResultResolved, app.ResultUnresolved, app.ResultLitigation, app.ResultWithdrawn}

// CaseForm is what the staff member chose and typed for the current case.
type CaseForm struct {
	Category   string
	Summary    string
	Handling   string // one of Handlings
	Department string // for 转办
	Level      string // mediation level, for 调解 and 转办
	Result     app.CaseResult
	FollowUpOn string // YYYY-MM-DD
	Note       string
	By         string
	Unit       string // the handling unit for 调解; default 本中心调解室
}

// UnknownCategory is the category a visitor picks at the kiosk when unsure (不清楚). Staff set a
// real one before the case is closed.
const UnknownCategory = "不清楚"

// ErrNeedCategory refuses to close a case whose category is unset or 不清楚.
var ErrNeedCategory = errors.New("console: set the case's category before closing it")

var statusOrder = map[app.CaseStatus]int{app.CaseRegistered: 0, app.CaseAccepted: 1, app.CaseAssigned: 2,
	app.CaseAssessing: 3, app.CaseHandling: 4, app.CaseFollowUp: 5, app.CaseClosed: 6, app.CaseRejected: 6}

// Plan returns the case changes that take c to what the form says, in lifecycle order: 受理, then
// for 调解 and 转办 分流 and 处置, then 回访 (with a follow-up date) or 结案 (with a result). The
// category, summary and note ride on the first change, the follow-up date on the last. A case is
// not closed without a real category: ErrNeedCategory while it is unset or 不清楚.
func (f CaseForm) Plan(c app.Case) ([]app.CaseChange, error) {
	if c.Status.Final() {
		return nil, app.Errorf(app.ECONFLICT, "the case is already %s", c.Status)
	}
	if f.FollowUpOn != "" {
		if _, err := time.Parse(time.DateOnly, f.FollowUpOn); err != nil {
			return nil, app.Errorf(app.EINVALID, "follow-up date must be YYYY-MM-DD")
		}
	}
	level := f.Level
	if level == "" {
		level = app.MediationLevels[0]
	}
	var path []app.CaseChange
	switch f.Handling {
	case HandleReject:
		path = []app.CaseChange{{Status: app.CaseRejected}}
	case HandleAccept, "":
		path = []app.CaseChange{{Status: app.CaseAccepted}}
		if f.Result != "" && f.FollowUpOn == "" {
			path = append(path, app.CaseChange{Status: app.CaseClosed, Result: f.Result})
		}
	case HandleMediation:
		unit := f.Unit
		if unit == "" {
			unit = "本中心调解室"
		}
		path = []app.CaseChange{{Status: app.CaseAccepted}, {Status: app.CaseAssigned, Unit: unit, Level: level},
			{Status: app.CaseHandling, Handling: app.HandlingMediation}}
	case HandleReferral:
		if f.Department == "" {
			return nil, app.Errorf(app.EINVALID, "a referral needs a department")
		}
		path = []app.CaseChange{{Status: app.CaseAccepted}, {Status: app.CaseAssigned, Unit: f.Department, Level: level},
			{Status: app.CaseHandling, Handling: app.HandlingReferral, Department: f.Department}}
	default:
		return nil, app.Errorf(app.EINVALID, "unknown handling %q", f.Handling)
	}
	if f.Handling == HandleMediation || f.Handling == HandleReferral {
		switch {
		case f.FollowUpOn != "":
			path = append(path, app.CaseChange{Status: app.CaseFollowUp})
		case f.Result != "":
			path = append(path, app.CaseChange{Status: app.CaseClosed, Result: f.Result})
		}
	}
	category := f.Category
	if category == "" {
		category = c.Category
	}
	var steps []app.CaseChange
	for _, ch := range path {
		if statusOrder[ch.Status] > statusOrder[c.Status] {
			steps = append(steps, ch)
		}
		if ch.Status == app.CaseClosed && (category == "" || category == UnknownCategory) {
			return nil, ErrNeedCategory
		}
	}
	if len(steps) == 0 {
		return nil, nil
	}
	steps[0].Category, steps[0].Summary, steps[0].Note = f.Category, f.Summary, f.Note
	steps[len(steps)-1].FollowUpOn = f.FollowUpOn
	for i := range steps {
		steps[i].By = f.By
	}
	return steps, nil
}
