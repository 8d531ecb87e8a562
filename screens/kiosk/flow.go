// Package kiosk is the self-service touchscreen of a hall: a full-screen Fyne app that checks
// visitors in (ID card or on-screen keypad), issues and prints queue tickets, and looks up the
// progress of cases — all with a few large taps and no keyboard.
//
// The flow logic lives in Flow, a UI-free state machine that tests drive directly; Kiosk draws
// Flow's current step and turns taps and device events into Flow calls.
package kiosk

import (
	"errors"
	"strings"
	"time"

	"fengqiao/app"
)

// Step is one screen of the kiosk.
type Step int

// The steps of the kiosk.
const (
	StepHome       Step = iota // hall name, waiting counts, service buttons
	StepService                // a card was placed on the home screen: choose the service
	StepIdentify               // 请将身份证放在感应区, or 无身份证登记
	StepIDKeypad               // type the ID number
	StepPhone                  // type a phone number (optional: 不留电话)
	StepConfirm                // masked identity, priority, open case, notice and 同意并取号
	StepCategory               // what the matter is about (optional; 不清楚 by default)
	StepBusy                   // waiting for the hub (issuing, looking up)
	StepResult                 // the ticket: number, wait count, QR, where to wait
	StepLookup                 // 查询办理进度: scan, card or keypad
	StepCodeKeypad             // type the case code
	StepCaseList               // the cases of the card's holder
	StepCase                   // one case's timeline
	StepMessage                // a refusal or fault in plain words
	StepPIN                    // staff PIN behind the long press
	StepStaff                  // staff menu: leave the kiosk
)

var stepNames = [...]string{"home", "service", "identify", "id-keypad", "phone", "confirm", "category",
	"busy", "result", "lookup", "code-keypad", "case-list", "case", "message", "pin", "staff"}

// String names the step for logs and tests.
func (s Step) String() string {
	if int(s) < len(stepNames) {
		return stepNames[s]
	}
	return "step?"
}

// Notice is a message screen or banner: a title and what to do next, in plain words.
type Notice struct {
	Title string
	Body  string
	Fault bool // a fault (red) rather than a refusal (amber)
}

// Session is everything the kiosk holds about the visitor at the screen. Clear zeroes it.
type Session struct {
	Service   string // service code
	Name      string // from the ID card only
	IDNumber  []byte // from the card or typed
	Phone     []byte // typed
	FromCard  bool   // the identity was read from the card
	Declared  app.Priority
	Consent   bool
	Category  string
	OpenCases []app.Case // the card holder's open cases (masked by the hub)
	LinkCase  string     // the open case the new ticket continues
	Ticket    *app.Ticket
	PrintErr  error // why the receipt was not printed (nil: printed)
	Code      []byte
	PIN       []byte
	Cases     []app.Case // lookup: the card holder's cases
	Case      *app.Case  // lookup: the case shown
	Notice    Notice
	PINWrong  bool
	InputErr  string // why the typed entry was refused
	// Booking is the card holder's booking of the day, offered as 预约签到 (masked, from the hub).
	Booking *app.Booking
	// CheckIn is the answer to a booking check-in that issued a ticket.
	CheckIn *app.CheckInResult
}

// Action tells the UI what a Flow call needs from the hub.
type Action int

// Actions.
const (
	ActNone       Action = iota
	ActOpenCases         // fetch OpenCases for the card holder (check-in)
	ActLookupCard        // fetch OpenCases for the card holder (look-up)
	ActFetchCase         // fetch Case(Session.Code)
	ActIssue             // issue the ticket (IssueRequest) and print
	ActCheckIn           // check the booking in (CheckInRequest) and print
)

// Flow is the kiosk's state machine. It is not safe for concurrent use: the UI calls it on
// Fyne's thread only.
type Flow struct {
	Step    Step
	S       Session
	Elderly bool // 长者模式
	Info    app.Info

	// Gen changes whenever the session is cleared; answers from the hub for an older Gen are
	// dropped, so that a slow reply never shows one visitor's data to the next.
	Gen uint64

	IdleAfter   time.Duration
	ResultAfter time.Duration
	ElderlyAge  int
	Now         func() time.Time

	history   []Step
	lastTouch time.Time
	stepAt    time.Time
}

// NewFlow returns a flow at the home screen.
func NewFlow(info app.Info, idle, result time.Duration, elderlyAge int, now func() time.Time) *Flow {
	if now == nil {
		now = time.Now
	}
	if idle <= 0 {
		idle = 60 * time.Second
	}
	if result <= 0 {
		result = 20 * time.Second
	}
	f := &Flow{Info: info, IdleAfter: idle, ResultAfter: result, ElderlyAge: elderlyAge, Now: now}
	f.lastTouch, f.stepAt = now(), now()
	return f
}

// Pause stops the result screen's countdown for d (while a notice asks the visitor to wait).
func (f *Flow) Pause(d time.Duration) { f.stepAt = f.stepAt.Add(d) }

// Touch records activity; any tap, card or scan keeps the session alive.
func (f *Flow) Touch() { f.lastTouch = f.Now() }

func (f *Flow) goTo(s Step) {
	if f.Step != s && f.Step != StepBusy && f.Step != StepMessage && f.Step != StepHome {
		f.history = append(f.history, f.Step)
	}
	f.Step = s
	f.stepAt = f.Now()
	f.S.InputErr = ""
}

// replace moves to s without remembering the current step for 返回.
func (f *Flow) replace(s Step) {
	f.Step = s
	f.stepAt = f.Now()
	f.S.InputErr = ""
}

// Back goes to the previous step (返回), home if there is none.
func (f *Flow) Back() {
	f.Touch()
	if f.Step == StepResult || len(f.history) == 0 {
		f.Home()
		return
	}
	prev := f.history[len(f.history)-1]
	f.history = f.history[:len(f.history)-1]
	f.replace(prev)
	switch prev {
	case StepIdentify, StepService:
		if !f.S.FromCard || prev == StepIdentify {
			// Going back before the identity step forgets what was typed.
			f.forgetIdentity()
		}
	}
}

// Home clears the session and shows the home screen (首页).
func (f *Flow) Home() {
	f.Clear()
	f.replace(StepHome)
}

// Clear zeroes every bit of personal data the kiosk holds.
func (f *Flow) Clear() {
	zero(f.S.IDNumber)
	zero(f.S.Phone)
	zero(f.S.Code)
	zero(f.S.PIN)
	f.S = Session{}
	f.history = nil
	f.Gen++
}

func zero(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func (f *Flow) forgetIdentity() {
	zero(f.S.IDNumber)
	zero(f.S.Phone)
	f.S.IDNumber, f.S.Phone, f.S.Name, f.S.FromCard = nil, nil, "", false
	f.S.OpenCases, f.S.LinkCase, f.S.Declared, f.S.Consent = nil, "", app.PriorityNone, false
	f.S.Booking = nil
}

// Tick checks the idle and result timers; it reports whether the step changed.
func (f *Flow) Tick() bool {
	now := f.Now()
	switch {
	case f.Step == StepResult && now.Sub(f.stepAt) >= f.ResultAfter:
		f.Home()
		f.Elderly = false
		return true
	case now.Sub(f.lastTouch) >= f.IdleAfter:
		if f.Step == StepHome && !f.Elderly && len(f.S.IDNumber) == 0 && f.S.Name == "" {
			return false
		}
		f.Home()
		f.Elderly = false
		return true
	}
	return false
}

// StartCheckIn begins a check-in for a service from the home screen (or after a card was placed
// there, from the service step).
func (f *Flow) StartCheckIn(service string) {
	f.Touch()
	f.S.Service = service
	if f.S.FromCard {
		f.goTo(StepConfirm)
		f.linkDefault()
		return
	}
	f.goTo(StepIdentify)
}

// StartLookup opens 查询办理进度.
func (f *Flow) StartLookup() {
	f.Touch()
	f.goTo(StepLookup)
}

// Service returns the chosen service.
func (f *Flow) Service() (app.Service, bool) { return f.Info.Service(f.S.Service) }

// CardPlaced handles an ID card read by the reader: name and number as printed on it.
func (f *Flow) CardPlaced(name, number string) Action {
	f.Touch()
	switch f.Step {
	case StepHome, StepService:
		f.setCard(name, number)
		if f.Step == StepHome {
			f.goTo(StepService)
		}
		return ActOpenCases
	case StepIdentify, StepIDKeypad, StepPhone:
		f.setCard(name, number)
		f.goTo(StepConfirm)
		return ActOpenCases
	case StepLookup, StepCodeKeypad, StepCaseList, StepCase:
		// Look-up needs only the number, for the one query; the name is not kept.
		zero(f.S.IDNumber)
		f.S.IDNumber, f.S.FromCard = []byte(number), true
		f.S.Cases, f.S.Case = nil, nil
		f.goTo(StepBusy)
		return ActLookupCard
	}
	return ActNone
}

func (f *Flow) setCard(name, number string) {
	f.forgetIdentity()
	f.S.Name, f.S.IDNumber, f.S.FromCard = name, []byte(strings.ToUpper(number)), true
}

// OpenCasesLoaded records the card holder's open cases, answered for generation gen.
func (f *Flow) OpenCasesLoaded(gen uint64, cases []app.Case) {
	if gen != f.Gen || !f.S.FromCard {
		return
	}
	f.S.OpenCases = cases
	f.linkDefault()
}

// linkDefault links the new ticket to the open case of the chosen service, or the newest one.
func (f *Flow) linkDefault() {
	if f.S.LinkCase != "" || len(f.S.OpenCases) == 0 || f.S.Service == "" {
		return
	}
	for _, c := range f.S.OpenCases {
		if c.Service == f.S.Service {
			f.S.LinkCase = c.Code
			return
		}
	}
}

// SetLink links the ticket to one of the open cases, or to none ("" = a new matter).
func (f *Flow) SetLink(code string) {
	f.Touch()
	f.S.LinkCase = code
}

// NoCard chooses 无身份证登记.
func (f *Flow) NoCard() {
	f.Touch()
	f.forgetIdentity()
	f.goTo(StepIDKeypad)
}

// entry returns the buffer the current keypad types into and its limit.
func (f *Flow) entry() (*[]byte, int) {
	switch f.Step {
	case StepIDKeypad:
		return &f.S.IDNumber, 18
	case StepPhone:
		return &f.S.Phone, 12
	case StepCodeKeypad:
		return &f.S.Code, 20
	case StepPIN:
		return &f.S.PIN, 12
	}
	return nil, 0
}

// Key types one character on the current keypad.
func (f *Flow) Key(c byte) {
	f.Touch()
	b, limit := f.entry()
	if b == nil || len(*b) >= limit {
		return
	}
	if f.Step == StepIDKeypad && c == 'X' && len(*b) != 17 {
		f.S.InputErr = "X 只能是最后一位"
		return
	}
	f.S.InputErr = ""
	f.S.PINWrong = false
	*b = append(*b, c)
}

// Delete removes the last typed character.
func (f *Flow) Delete() {
	f.Touch()
	if b, _ := f.entry(); b != nil && len(*b) > 0 {
		(*b)[len(*b)-1] = 0
		*b = (*b)[:len(*b)-1]
	}
	f.S.InputErr = ""
}

// ClearEntry empties the current keypad's entry.
func (f *Flow) ClearEntry() {
	f.Touch()
	if b, _ := f.entry(); b != nil {
		zero(*b)
		*b = (*b)[:0]
	}
	f.S.InputErr = ""
}

// SubmitID accepts the typed ID number. A typed number never reveals anyone's cases.
func (f *Flow) SubmitID() bool {
	f.Touch()
	if _, err := app.ParseIDNumber(string(f.S.IDNumber)); err != nil {
		switch {
		case errors.Is(err, app.ErrIDLength):
			f.S.InputErr = "身份证号码是18位，请输完整"
		default:
			f.S.InputErr = "这个号码不对，请核对后重新输入"
		}
		return false
	}
	f.S.FromCard = false
	f.goTo(StepPhone)
	return true
}

// SubmitPhone accepts the typed phone number.
func (f *Flow) SubmitPhone() Action {
	f.Touch()
	p := f.S.Phone
	ok := len(p) >= 7 && len(p) <= 12
	if len(p) == 11 || (len(p) > 0 && p[0] == '1') {
		ok = len(p) == 11 && p[0] == '1'
	}
	if !ok {
		f.S.InputErr = "电话号码不对：手机号是1开头的11位数字"
		return ActNone
	}
	if !f.S.FromCard {
		f.goTo(StepConfirm)
		return ActNone
	}
	return f.issue()
}

// SkipPhone leaves no phone number (不留电话): a resident without a phone still gets a ticket.
func (f *Flow) SkipPhone() Action {
	f.Touch()
	zero(f.S.Phone)
	f.S.Phone = nil
	if !f.S.FromCard {
		f.goTo(StepConfirm)
		return ActNone
	}
	return f.issue()
}

// Declare toggles a declared priority (残疾人 or 孕妇).
func (f *Flow) Declare(p app.Priority) {
	f.Touch()
	if f.S.Declared == p {
		f.S.Declared = app.PriorityNone
	} else {
		f.S.Declared = p
	}
}

// SetConsent records the visitor's consent to the personal-data notice.
func (f *Flow) SetConsent(ok bool) {
	f.Touch()
	f.S.Consent = ok
}

// AutoPriority is the priority the ID number's age gives, if any.
func (f *Flow) AutoPriority() app.Priority {
	if f.ElderlyAge <= 0 {
		return app.PriorityNone
	}
	id, err := app.ParseIDNumber(string(f.S.IDNumber))
	if err != nil {
		return app.PriorityNone
	}
	if id.AgeOn(f.Now().In(f.Info.Location())) >= f.ElderlyAge {
		return app.PriorityElderly
	}
	return app.PriorityNone
}

// Priority is the priority that applies: declared, else from age.
func (f *Flow) Priority() app.Priority {
	if f.S.Declared != app.PriorityNone {
		return f.S.Declared
	}
	return f.AutoPriority()
}

// Female reports whether the ID number is a woman's (for the 孕妇 choice).
func (f *Flow) Female() bool {
	id, err := app.ParseIDNumber(string(f.S.IDNumber))
	return err == nil && id.Female
}

// Confirm is 同意并取号: the visitor consents to the notice on the screen and takes the ticket
// (after the optional phone number, for a visitor identified by card).
func (f *Flow) Confirm() Action {
	f.Touch()
	f.S.Consent = true
	if f.S.FromCard && len(f.S.Phone) == 0 {
		f.goTo(StepPhone)
		return ActNone
	}
	return f.issue()
}

// ChooseCategoryStep opens the optional category choice from the confirmation screen.
func (f *Flow) ChooseCategoryStep() {
	f.Touch()
	f.goTo(StepCategory)
}

// ChooseCategory picks what the matter is about ("" is 不清楚: staff set it later) and goes back
// to the confirmation screen.
func (f *Flow) ChooseCategory(c string) {
	f.Touch()
	f.S.Category = c
	if f.Step == StepCategory {
		f.Back()
	}
}

func (f *Flow) issue() Action {
	f.goTo(StepBusy)
	return ActIssue
}

// IssueRequest is the request for the hub.
func (f *Flow) IssueRequest() app.IssueRequest {
	req := app.IssueRequest{Service: f.S.Service, Priority: f.S.Declared, LinkCase: f.S.LinkCase}
	if f.S.LinkCase == "" {
		req.Category = f.S.Category
	}
	if len(f.S.IDNumber) > 0 {
		req.Visitor = &app.Visitor{IDNumber: string(f.S.IDNumber), Name: f.S.Name, Phone: string(f.S.Phone), FromCard: f.S.FromCard}
		// A typed number is 未核验 for staff until they see the card.
		req.Source = app.SourceTyped
		if f.S.FromCard {
			req.Source = app.SourceCard
		}
	}
	return req
}

// Issued shows the ticket; printErr tells why the receipt could not be printed.
func (f *Flow) Issued(gen uint64, t app.Ticket, printErr error) {
	if gen != f.Gen {
		return
	}
	f.S.Ticket, f.S.PrintErr = &t, printErr
	f.history = nil
	f.replace(StepResult)
	f.Touch()
}

// Failed shows why the hub refused or could not be reached, in plain words.
func (f *Flow) Failed(gen uint64, err error) {
	if gen != f.Gen {
		return
	}
	f.S.Notice = f.explain(err)
	f.replace(StepMessage)
	f.Touch()
}

// explain turns a hub error into words a villager uses.
func (f *Flow) explain(err error) Notice {
	switch app.ErrorCode(err) {
	case app.ELIMIT:
		return Notice{Title: "今天不能再取这个号了", Body: "同一个身份证今天在这项业务已经取过号，次数已满。\n如果有急事，请按「呼叫工作人员」，工作人员会来帮您。"}
	case app.ECLOSED:
		hours := f.Info.Hours
		if hours == "" {
			hours = "请看大厅门口的公告"
		}
		return Notice{Title: "现在不是办理时间", Body: "办理时间：" + hours + "\n请在办理时间再来。如有急事，请拨打 " + f.Info.Phone + "。"}
	case app.EUNAVAILABLE:
		return Notice{Title: "系统暂时连不上", Body: "请稍等一会儿再试一次。\n如果一直不行，请按「呼叫工作人员」，或直接到服务窗口办理。", Fault: true}
	case app.ENOTFOUND:
		if f.S.LinkCase != "" {
			return Notice{Title: "没有找到要继续办理的事项", Body: "请按「返回」，改选“这是一件新事项”后再取号。"}
		}
		return Notice{Title: "没有查到这个事项", Body: "请核对回执上的查询码，或把回执交给工作人员查询。"}
	case app.EINVALID:
		return Notice{Title: "信息不对", Body: "请返回核对后再试，或按「呼叫工作人员」。"}
	}
	return Notice{Title: "没有办成", Body: "请再试一次。如果还不行，请按「呼叫工作人员」。", Fault: true}
}

// Scanned handles a scanned (or keyboard-typed) code. It reports ActFetchCase for a case code.
func (f *Flow) Scanned(text string) Action {
	switch f.Step {
	case StepHome, StepLookup, StepCodeKeypad, StepCaseList, StepCase, StepMessage:
	default:
		return ActNone // in the middle of a check-in a stray scan changes nothing
	}
	f.Touch()
	code, err := app.ParseCaseCode(text)
	if err != nil {
		if c, ok := bookingCode(text); ok {
			return f.startCheckIn(c) // a booking's QR holds only its code
		}
		if f.Step == StepHome {
			f.goTo(StepLookup)
		}
		f.S.Notice = Notice{Title: "这个码查不到", Body: "请扫描本中心回执上的二维码；或按「返回」，输入回执上的查询码。"}
		f.goTo(StepMessage) // 返回 leads back to where the code can be typed, as the notice says
		return ActNone
	}
	zero(f.S.Code)
	f.S.Code = []byte(code)
	if f.Step == StepHome {
		f.goTo(StepLookup)
	}
	f.goTo(StepBusy)
	return ActFetchCase
}

// SubmitCode looks up the typed case code.
func (f *Flow) SubmitCode() Action {
	f.Touch()
	code, err := app.ParseCaseCode(string(f.S.Code))
	if err != nil {
		if len(f.S.Code) < 20 {
			f.S.InputErr = "查询码是20位，请输完整"
		} else {
			f.S.InputErr = "查询码不对，请核对回执后重新输入"
		}
		return ActNone
	}
	zero(f.S.Code)
	f.S.Code = []byte(code)
	f.goTo(StepBusy)
	return ActFetchCase
}

// CaseLoaded shows a case.
func (f *Flow) CaseLoaded(gen uint64, c app.Case) {
	if gen != f.Gen {
		return
	}
	f.S.Case = &c
	f.replace(StepCase)
	f.Touch()
}

// CasesLoaded shows the card holder's cases; the ID number is forgotten at once.
func (f *Flow) CasesLoaded(gen uint64, cases []app.Case) {
	if gen != f.Gen {
		return
	}
	zero(f.S.IDNumber)
	f.S.IDNumber, f.S.FromCard = nil, false
	f.S.Cases = cases
	if f.S.Cases == nil {
		f.S.Cases = []app.Case{}
	}
	f.replace(StepCaseList)
	f.Touch()
}

// ShowCase opens one case of the list.
func (f *Flow) ShowCase(i int) {
	f.Touch()
	if i >= 0 && i < len(f.S.Cases) {
		c := f.S.Cases[i]
		f.S.Case = &c
		f.goTo(StepCase)
	}
}

// TypeCode opens the case-code keypad.
func (f *Flow) TypeCode() {
	f.Touch()
	zero(f.S.Code)
	f.S.Code = nil
	f.goTo(StepCodeKeypad)
}

// StaffPIN opens the staff PIN keypad (after the long press).
func (f *Flow) StaffPIN() {
	f.Clear()
	f.replace(StepHome)
	f.goTo(StepPIN)
}

// SubmitPIN checks the PIN with check; right opens the staff menu.
func (f *Flow) SubmitPIN(check func(pin []byte) bool) bool {
	f.Touch()
	ok := check(f.S.PIN)
	zero(f.S.PIN)
	f.S.PIN = f.S.PIN[:0]
	if !ok {
		f.S.PINWrong = true
		f.S.InputErr = "密码不对，请重新输入"
		return false
	}
	f.replace(StepStaff)
	return true
}

// Typed returns the current keypad's entry.
func (f *Flow) Typed() string {
	if b, _ := f.entry(); b != nil {
		return string(*b)
	}
	return ""
}
