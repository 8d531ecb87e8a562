// Package demo builds a demonstration town for the centre: one town hall and eleven village halls
// with a year of realistic, fictitious cases, pushed through the same path as real halls'
// events (Store.ApplyBatch). The numbers the README shows are fixed: 324 registered disputes,
// 299 of them resolved (92.28%), whatever the day the town is built. Those are disputes (the
// service 矛盾纠纷调解, marked so in each hall's catalogue); beside them each hall has a few cases
// of services that are not disputes, which the ledger counts apart, and the town hall one
// service of its own. Each hall sends its catalogue, and one village (the last) has been out of
// contact for three days.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// Fixed totals of the town.
const (
	Registered = 324 // accepted cases (受理 or beyond)
	Resolved   = 299 // closed as 已化解
	Rejected   = 14  // 不予受理
	Pending    = 8   // registered at a hall, not yet accepted
	// Others are the accepted cases of each hall that are not disputes.
	Others = 3
)

// OwnService is the town hall's own service, which only its catalogue names.
var OwnService = app.Service{Code: "village-talk", Name: "村民说事", Prefix: "E", HandleDays: 10,
	Categories: []string{"村务建议", "其他"}}

// Site is a hall of the town with the number of accepted cases it holds.
type Site struct {
	Name  string
	Phone string
	Cases int
}

// Sites are the town hall and its eleven villages; their case counts add up to Registered.
var Sites = []Site{
	{"枫桥镇综治中心", "0575-87010000", 60},
	{"枫源村", "0575-87011001", 24}, {"栎桥村", "0575-87011002", 26}, {"新枫村", "0575-87011003", 22},
	{"杜黄新村", "0575-87011004", 28}, {"乔亭村", "0575-87011005", 25}, {"视南村", "0575-87011006", 23},
	{"骆家尖村", "0575-87011007", 27}, {"里宣村", "0575-87011008", 21}, {"钟瑛村", "0575-87011009", 24},
	{"陈家村", "0575-87011010", 20}, {"东溪村", "0575-87011011", 24},
}

// Summary tells what Build made.
type Summary struct {
	Sites  []center.Site
	Cases  int
	Events int
	Codes  []string // every case code, in creation order
}

// fate is how a case ends up.
type fate struct {
	final  app.CaseStatus // the status the case reaches
	result app.CaseResult
}

// Build creates the town in st as of now. seed varies names and dates, never the totals.
func Build(ctx context.Context, st center.WebStore, now time.Time, seed uint64) (Summary, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	// Deal the fates of the accepted cases: 299 resolved, 10 closed otherwise, 15 still open.
	var fates []fate
	for range Resolved {
		fates = append(fates, fate{app.CaseClosed, app.ResultResolved})
	}
	for _, r := range []app.CaseResult{app.ResultUnresolved, app.ResultUnresolved, app.ResultUnresolved,
		app.ResultUnresolved, app.ResultLitigation, app.ResultLitigation, app.ResultLitigation, app.ResultWithdrawn,
		app.ResultWithdrawn, app.ResultWithdrawn} {
		fates = append(fates, fate{app.CaseClosed, r})
	}
	for _, s := range []app.CaseStatus{app.CaseAccepted, app.CaseAccepted, app.CaseAssigned, app.CaseAssigned,
		app.CaseAssigned, app.CaseAssessing, app.CaseAssessing, app.CaseHandling, app.CaseHandling, app.CaseHandling,
		app.CaseHandling, app.CaseFollowUp, app.CaseFollowUp, app.CaseFollowUp, app.CaseFollowUp} {
		fates = append(fates, fate{final: s})
	}
	if len(fates) != Registered {
		panic("demo: fates do not add up")
	}
	rng.Shuffle(len(fates), func(i, j int) { fates[i], fates[j] = fates[j], fates[i] })
	var others []fate // not accepted: spread over the sites after their accepted cases
	for range Rejected {
		others = append(others, fate{final: app.CaseRejected})
	}
	for range Pending {
		others = append(others, fate{final: app.CaseRegistered})
	}

	var sum Summary
	next, other := 0, 0
	for i, spec := range Sites {
		_, hash := center.NewToken()
		site, err := st.AddSite(ctx, spec.Name, hash)
		if err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
		if err := st.SetSitePhone(ctx, site.ID, spec.Phone); err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
		site.Phone = spec.Phone
		sum.Sites = append(sum.Sites, site)
		extra := len(others) / len(Sites)
		if i < len(others)%len(Sites) {
			extra++
		}
		h := &hall{rng: rng, now: now, windows: 2 + boolInt(i == 0), numbers: map[string]int{}, site: i}
		mine := append(fates[next:next+spec.Cases:next+spec.Cases], others[other:other+extra]...)
		next, other = next+spec.Cases, other+extra
		services := app.DefaultServices()
		if i == 0 {
			services = append(services, OwnService)
		}
		for _, f := range mine {
			sum.Codes = append(sum.Codes, h.addCase(services[3], f))
		}
		for k := range Others { // not disputes: closed, but one still open
			f := fate{app.CaseClosed, app.ResultResolved}
			if k == 0 {
				f = fate{final: app.CaseHandling}
			}
			svc := services[k%3]
			if i == 0 && k == 1 {
				svc = OwnService
			}
			sum.Codes = append(sum.Codes, h.addCase(svc, f))
		}
		events := h.events()
		for start := 0; start < len(events); start += wire.MaxBatch {
			batch := events[start:min(start+wire.MaxBatch, len(events))]
			if _, err := st.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: batch}); err != nil {
				return sum, fmt.Errorf("demo: push %s: %w", spec.Name, err)
			}
		}
		sum.Events += len(events)
		if err := contact(ctx, st, site.ID, spec, services, now, i == len(Sites)-1); err != nil {
			return sum, err
		}
	}
	sum.Cases = next + other + len(Sites)*Others
	return sum, nil
}

// contact records the hall's catalogue and its last push and pull: a minute ago, or three days ago
// for a silent hall.
func contact(ctx context.Context, st center.WebStore, site int64, spec Site, services []app.Service, now time.Time,
	silent bool) error {
	hours := app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []app.Period{{Start: 8*60 + 30, End: 12 * 60},
		{Start: 13*60 + 30, End: 17*60 + 30}}}
	cat := wire.NewCatalogue(app.Info{Name: spec.Name, Phone: spec.Phone, TimeZone: "Asia/Shanghai", Services: services}, hours)
	// Every demo hall takes bookings (预约) of mediation and legal advice; the demo sends no
	// reminders (serve has no hook unless --remind-url or --remind-command is given).
	cat.Booking = &app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2,
		PerService: map[string]int{"mediation": 1, "legal": 2}, GraceMinutes: 15}
	at := now.Add(-time.Minute)
	if silent {
		at = now.Add(-72 * time.Hour) // a weekend and a working day at least
	}
	if err := st.RecordContact(ctx, site, center.Contact{At: at, Catalogue: &cat}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := st.RecordContact(ctx, site, center.Contact{At: at, Pull: true}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hall generates one hall's events.
type hall struct {
	rng     *rand.Rand
	now     time.Time
	windows int
	tickets int64
	ratings int64
	numbers map[string]int
	pending []pendingEvent
	site    int // index in Sites: picks the window staff
}

type pendingEvent struct {
	at      time.Time
	kind    app.EventKind
	body    any
	private *app.Visitor
	order   int
}

func (h *hall) emit(at time.Time, kind app.EventKind, body any, private *app.Visitor) {
	h.pending = append(h.pending, pendingEvent{at: at, kind: kind, body: body, private: private, order: len(h.pending)})
}

// events returns the hall's events in time order with ids 1, 2, ….
func (h *hall) events() []wire.Event {
	sort.SliceStable(h.pending, func(i, j int) bool {
		if !h.pending[i].at.Equal(h.pending[j].at) {
			return h.pending[i].at.Before(h.pending[j].at)
		}
		return h.pending[i].order < h.pending[j].order
	})
	out := make([]wire.Event, len(h.pending))
	for i, p := range h.pending {
		body, err := json.Marshal(p.body)
		if err != nil {
			panic(err)
		}
		e := wire.Event{ID: int64(i + 1), At: p.at, Kind: p.kind, Body: body}
		if p.private != nil {
			e.Private, _ = json.Marshal(p.private)
		}
		out[i] = e
	}
	return out
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
	given    = []string{"建国", "秀英", "伟", "芳", "志强", "丽娟", "国庆", "海燕", "明", "红梅", "建军", "桂英", "小平", "玉兰",
		"新华", "春燕", "德明", "金花", "永刚", "雪芬", "立新", "美玲", "浩", "静", "国平", "月娥", "文斌", "素珍"}
	units = []string{"司法所", "派出所", "村调委会", "镇人民调解委员会", "信访办", "劳动保障所", "自然资源所", "法庭诉讼服务站"}
	depts = []string{"镇农业农村办", "镇规划建设办", "市场监管所", "人力社保所", "生态环境站"}
	// staff are the window staff of the halls, fictitious like the rest.
	staff = []string{"陈晓燕", "王立军", "张丽华", "李建平", "周敏", "吴国强", "郑秀兰", "冯志明", "蒋海燕", "沈建新"}
)

func (h *hall) pick(xs []string) string { return xs[h.rng.IntN(len(xs))] }

// code returns a valid case code from the generator: 19 symbols and the check symbol that fits.
func (h *hall) code() string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 20)
	for i := range 19 {
		b[i] = crockford[h.rng.IntN(32)]
	}
	for _, c := range []byte(crockford) {
		b[19] = c
		if code, err := app.ParseCaseCode(string(b)); err == nil {
			return code
		}
	}
	panic("demo: no check symbol fits")
}

func (h *hall) visitor() *app.Visitor {
	birth := time.Date(1950+h.rng.IntN(50), time.Month(1+h.rng.IntN(12)), 1+h.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	id := fmt.Sprintf("330681%s%03d", birth.Format("20060102"), h.rng.IntN(1000))
	id += string(app.IDCheckChar(id))
	name := string(surnames[h.rng.IntN(len(surnames))]) + h.pick(given)
	phone := fmt.Sprintf("1%d%09d", []int{3, 5, 8}[h.rng.IntN(3)], h.rng.IntN(1_000_000_000))
	return &app.Visitor{IDNumber: id, Name: name, Phone: phone, FromCard: true}
}

// workTime returns a time on the day d days before now, in office hours (Asia/Shanghai).
func (h *hall) workTime(daysAgo int) time.Time {
	loc := app.DefaultRules().Location
	d := h.now.In(loc).AddDate(0, 0, -daysAgo)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 8, 40, 0, 0, loc).Add(time.Duration(h.rng.IntN(7*60)) * time.Minute).UTC()
}

// addCase generates a case with its ticket, rating and every stage up to its fate.
func (h *hall) addCase(svc app.Service, f fate) string {
	v := h.visitor()
	masked := v.Masked()
	var opened time.Time
	if f.final == app.CaseClosed || f.final == app.CaseRejected {
		opened = h.workTime(35 + h.rng.IntN(330))
	} else {
		opened = h.workTime(25 + h.rng.IntN(95))
	}
	c := app.Case{Code: h.code(), Service: svc.Code, Category: h.pick(svc.Categories), Status: app.CaseRegistered,
		Owner: app.OwnerHall, OpenedAt: opened, UpdatedAt: opened, Visitor: &masked}
	c.History = []app.CaseEntry{{At: opened, Kind: app.EntryStatus, Status: app.CaseRegistered, By: string(app.OwnerHall)}}
	snap := c
	h.emit(opened, app.EventCaseOpened, app.Event{At: opened, Kind: app.EventCaseOpened, Case: &snap}, v)
	h.ticket(c, svc, opened)

	at := opened
	move := func(days int, ch app.CaseChange) {
		at = at.Add(time.Duration(days*24)*time.Hour + time.Duration(h.rng.IntN(180))*time.Minute)
		next, err := c.Apply(ch, app.OwnerHall)
		if err != nil {
			panic("demo: " + err.Error())
		}
		next.UpdatedAt = at
		if next.Status == app.CaseClosed {
			t := at
			next.ClosedAt = &t
		}
		next.History = []app.CaseEntry{{At: at, Kind: app.EntryStatus, Status: ch.Status, By: string(app.OwnerHall)}}
		c = next
		snap := c
		h.emit(at, app.EventCaseChanged, app.Event{At: at, Kind: app.EventCaseChanged, Case: &snap}, nil)
	}
	switch f.final {
	case app.CaseRegistered:
		return c.Code
	case app.CaseRejected:
		move(1+h.rng.IntN(3), app.CaseChange{Status: app.CaseRejected, Note: "不属于受理范围"})
		return c.Code
	}
	move(h.rng.IntN(2), app.CaseChange{Status: app.CaseAccepted})
	if f.final == app.CaseAccepted {
		return c.Code
	}
	if f.final == app.CaseClosed && svc.Code == "legal" && h.rng.IntN(2) == 0 {
		move(0, app.CaseChange{Status: app.CaseClosed, Result: f.result}) // a consultation answered at the window
		return c.Code
	}
	move(1+h.rng.IntN(2), app.CaseChange{Status: app.CaseAssigned, Unit: h.pick(units), Level: h.pick(app.MediationLevels)})
	if f.final == app.CaseAssigned {
		return c.Code
	}
	if h.rng.IntN(10) < 7 || f.final == app.CaseAssessing {
		move(1+h.rng.IntN(3), app.CaseChange{Status: app.CaseAssessing})
	}
	if f.final == app.CaseAssessing {
		return c.Code
	}
	handling := app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingMediation}
	if h.rng.IntN(5) == 0 {
		handling.Handling, handling.Department = app.HandlingReferral, h.pick(depts)
	}
	move(1+h.rng.IntN(4), handling)
	if f.final == app.CaseHandling {
		return c.Code
	}
	withFollowUp := f.final == app.CaseFollowUp || h.rng.IntN(10) < 8
	if withFollowUp {
		move(2+h.rng.IntN(8), app.CaseChange{Status: app.CaseFollowUp,
			FollowUpOn: at.AddDate(0, 0, 3+h.rng.IntN(5)).In(app.DefaultRules().Location).Format(time.DateOnly)})
	}
	if f.final == app.CaseFollowUp {
		return c.Code
	}
	if withFollowUp {
		at = at.Add(time.Duration(3+h.rng.IntN(4)) * 24 * time.Hour)
		note := "电话回访，当事人对调解结果表示满意"
		if f.result != app.ResultResolved {
			note = "电话回访，当事人仍有异议"
		}
		c.UpdatedAt = at
		snap := c
		snap.History = []app.CaseEntry{{At: at, Kind: app.EntryFollowUp, Note: note, By: string(app.OwnerHall)}}
		h.emit(at, app.EventCaseNote, app.Event{At: at, Kind: app.EventCaseNote, Case: &snap}, nil)
	}
	move(1+h.rng.IntN(3), app.CaseChange{Status: app.CaseClosed, Result: f.result})
	return c.Code
}

// ticket generates the case's ticket from issue to completion, and perhaps its rating.
func (h *hall) ticket(c app.Case, svc app.Service, issued time.Time) {
	h.tickets++
	day := issued.In(app.DefaultRules().Location).Format(time.DateOnly)
	h.numbers[day+svc.Prefix]++
	t := app.Ticket{ID: h.tickets, Day: day, Number: h.numbers[day+svc.Prefix], Service: svc.Code, Status: app.TicketWaiting,
		CaseCode: c.Code, Category: c.Category, IssuedAt: issued, ArrivedAt: issued}
	t.Label = app.FormatLabel(svc.Prefix, t.Number)
	step := func(at time.Time, kind app.EventKind, status app.TicketStatus) {
		t.Status = status
		snap := t
		h.emit(at, kind, app.Event{At: at, Kind: kind, Window: t.Window, Ticket: &snap}, nil)
	}
	step(issued, app.EventIssued, app.TicketWaiting)
	called := issued.Add(time.Duration(2+h.rng.IntN(20))*time.Minute + time.Duration(h.rng.IntN(60))*time.Second)
	t.Window = 1 + h.rng.IntN(h.windows)
	t.CalledAt = &called
	step(called, app.EventCalled, app.TicketCalled)
	started := called.Add(time.Duration(20+h.rng.IntN(60)) * time.Second)
	t.StartedAt = &started
	step(started, app.EventStarted, app.TicketServing)
	done := started.Add(time.Duration(6+h.rng.IntN(30))*time.Minute + time.Duration(h.rng.IntN(60))*time.Second)
	t.CompletedAt = &done
	step(done, app.EventCompleted, app.TicketDone)
	if h.rng.IntN(4) == 0 {
		return // not rated
	}
	scores := []app.Score{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 3, 2}
	score := scores[h.rng.IntN(len(scores))]
	if h.rng.IntN(60) == 0 {
		score = 1
	}
	h.ratings++
	at := done.Add(20 * time.Second)
	r := &app.Rating{ID: h.ratings, Ticket: t.ID, Label: t.Label, Window: t.Window, Score: score, Flagged: score.Flagged(),
		CaseCode: c.Code, At: at, Staff: staff[(h.site*3+t.Window)%len(staff)]}
	h.emit(at, app.EventRated, struct {
		app.Event
		Rating *app.Rating `json:"rating"`
	}{app.Event{At: at, Kind: app.EventRated}, r}, nil)
}
