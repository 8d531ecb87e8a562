package center

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"fengqiao/app"
)

// The booking pages (预约) have a stylesheet of their own after the dashboard's, in one inline
// style element, and a policy of their own that lets exactly that through.
var (
	bookCSS, _ = webFS.ReadFile("web/book.css")
	bookStyle  = string(pageCSS) + string(bookCSS)
	bookCSP    = func() string {
		h := sha256.Sum256([]byte(bookStyle))
		return strings.Replace(csp, cspHash, base64.StdEncoding.EncodeToString(h[:]), 1)
	}()
)

// routeBooking registers the residents' booking pages beside the tracking page. They share its
// rate limit: a look-up takes a token and a found booking gives it back; making, moving or
// cancelling a booking keeps it.
func (s *Server) routeBooking() {
	s.route("GET /book", public(), s.bookHalls)
	s.route("GET /book/{site}", public(), s.bookServices)
	s.route("GET /book/{site}/{service}", public(), s.bookSlots)
	s.route("POST /book/{site}/{service}", public(), s.bookSubmit)
	s.route("GET /b/{code}", public(), s.bookingPage)
	s.route("POST /b/{code}/cancel", public(), s.bookingCancel)
	s.route("GET /b/{code}/move", public(), s.bookingMoveForm)
	s.route("POST /b/{code}/move", public(), s.bookingMove)
}

// bookPage is the data of every booking page.
type bookPage struct {
	CSS      template.CSS
	Centre   string
	Phone    string
	Title    string
	Error    string
	Notice   string
	Groups   []hallGroup
	Hall     Bookable
	Services []app.Service
	Service  app.Service
	Days     []dayChoice
	Day      string
	Slots    []slotChoice
	Minutes  int    // the length of a slot
	Action   string // where the slot form posts
	Form     url.Values
	Booking  *bookingView
	QR       template.URL
}

type hallGroup struct {
	Label string
	Halls []Bookable
}

type dayChoice struct {
	Label, URL string
	Current    bool
}

type slotChoice struct {
	Value, Label, Part string
	Left               int
	Checked            bool
}

type bookingView struct {
	Code, Shown, Hall, Service, Day, Time, Status, StatusClass, Name, Phone string
	Active                                                                  bool
}

func (s *Server) bookingStore() BookingStore {
	bs, _ := s.store.(BookingStore)
	return bs
}

func (s *Server) bookPage(title string) bookPage {
	return bookPage{CSS: template.CSS(bookStyle), Centre: s.centre, Phone: s.centrePhone, Title: title}
}

// renderBook renders a booking page under the booking pages' policy.
func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, status int, name string, p bookPage) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	s.writePage(w, status, bookCSP, buf.Bytes())
}

// bookLimited answers a client out of tokens.
func (s *Server) bookLimited(w http.ResponseWriter, r *http.Request) {
	s.renderBook(w, r, http.StatusTooManyRequests, "book-msg", s.bookNotice("操作过于频繁", "操作次数过多，请稍后再试。"))
}

func (s *Server) bookNotice(title, msg string) bookPage {
	p := s.bookPage(title)
	p.Notice = msg
	return p
}

// bookables returns the halls that take bookings, the town's first.
func (s *Server) bookables(r *http.Request) ([]Bookable, error) {
	sites, err := s.web.Sites(r.Context())
	if err != nil {
		return nil, err
	}
	town := s.town(sites).ID
	var out []Bookable
	for _, st := range sites {
		if b, ok := SiteBookable(st); ok {
			if st.ID == town {
				out = append([]Bookable{b}, out...)
			} else {
				out = append(out, b)
			}
		}
	}
	return out, nil
}

func (s *Server) bookHalls(w http.ResponseWriter, r *http.Request, _ visit) {
	halls, err := s.bookables(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := s.bookPage("预约办事")
	var town, villages hallGroup
	town.Label, villages.Label = "镇综治中心", "村（社区）"
	for _, h := range halls {
		if h.Site.Name == s.townSite {
			town.Halls = append(town.Halls, h)
		} else {
			villages.Halls = append(villages.Halls, h)
		}
	}
	for _, g := range []hallGroup{town, villages} {
		if len(g.Halls) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	s.renderBook(w, r, http.StatusOK, "book-halls", p)
}

// hall finds the bookable hall of the path, or answers 404.
func (s *Server) hall(w http.ResponseWriter, r *http.Request) (Bookable, bool) {
	halls, err := s.bookables(r)
	if err != nil {
		s.pageFail(w, r, err)
		return Bookable{}, false
	}
	id, _ := strconv.ParseInt(r.PathValue("site"), 10, 64)
	for _, h := range halls {
		if h.Site.ID == id {
			return h, true
		}
	}
	s.renderBook(w, r, http.StatusNotFound, "book-msg", s.bookNotice("预约办事", "该办事地点暂不提供预约。"))
	return Bookable{}, false
}

func (s *Server) bookServices(w http.ResponseWriter, r *http.Request, _ visit) {
	h, ok := s.hall(w, r)
	if !ok {
		return
	}
	p := s.bookPage("选择事项")
	p.Hall, p.Services = h, h.Services
	s.renderBook(w, r, http.StatusOK, "book-services", p)
}

// hallService finds the hall and bookable service of the path, or answers 404.
func (s *Server) hallService(w http.ResponseWriter, r *http.Request) (Bookable, app.Service, bool) {
	h, ok := s.hall(w, r)
	if !ok {
		return h, app.Service{}, false
	}
	svc, ok := h.Service(r.PathValue("service"))
	if !ok {
		s.renderBook(w, r, http.StatusNotFound, "book-msg", s.bookNotice("预约办事", "该事项暂不提供预约。"))
	}
	return h, svc, ok
}

func (s *Server) bookSlots(w http.ResponseWriter, r *http.Request, _ visit) {
	h, svc, ok := s.hallService(w, r)
	if !ok {
		return
	}
	p, err := s.slotPage(r, h, svc, r.URL.Path, r.URL.Query().Get("day"), "")
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p.Form = url.Values{}
	s.renderBook(w, r, http.StatusOK, "book-slots", p)
}

// slotPage lists a hall's bookable days with links to base?day=…, and the chosen day's slots
// (the first day's when day is not one) with the places left for the service.
func (s *Server) slotPage(r *http.Request, h Bookable, svc app.Service, base, day, chosen string) (bookPage, error) {
	p := s.bookPage("选择时间")
	p.Hall, p.Service, p.Action, p.Minutes, p.Phone = h, svc, base, h.Plan.SlotMinutes, s.hallPhone(h)
	now := s.now()
	days := h.Days(now)
	var pick time.Time
	for _, d := range days {
		if len(h.Slots(d, now)) == 0 {
			continue
		}
		if pick.IsZero() || d.Format(time.DateOnly) == day {
			pick = d
		}
	}
	if pick.IsZero() {
		return p, nil
	}
	p.Day = pick.Format(time.DateOnly)
	for _, d := range days {
		if len(h.Slots(d, now)) > 0 {
			p.Days = append(p.Days, dayChoice{Label: dayLabel(d, now.In(h.Loc)), URL: base + "?day=" + d.Format(time.DateOnly),
				Current: d.Equal(pick)})
		}
	}
	slots := h.Slots(pick, now)
	taken, err := s.bookingStore().SlotsTaken(r.Context(), h.Site.ID, slots[0], slots[len(slots)-1].Add(time.Second))
	if err != nil {
		return p, err
	}
	for _, t := range slots {
		v := strconv.FormatInt(t.Unix(), 10)
		p.Slots = append(p.Slots, slotChoice{Value: v, Label: t.In(h.Loc).Format("15:04"), Left: h.Left(taken, t, svc.Code),
			Checked: v == chosen, Part: dayPart(t.In(h.Loc))})
	}
	return p, nil
}

var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func dayLabel(d, now time.Time) string {
	l := d.Format("1月2日") + " " + weekdays[d.Weekday()]
	switch d.Format(time.DateOnly) {
	case now.Format(time.DateOnly):
		l = "今天 " + l
	case now.AddDate(0, 0, 1).Format(time.DateOnly):
		l = "明天 " + l
	}
	return l
}

// dayPart names the part of the day a slot starts in, as the slot list heads it.
func dayPart(t time.Time) string {
	if t.Hour() < 12 {
		return "上午"
	}
	return "下午"
}

// bookSubmit makes a booking. A full slot answers 409 with the day's slots again.
func (s *Server) bookSubmit(w http.ResponseWriter, r *http.Request, _ visit) {
	h, svc, ok := s.hallService(w, r)
	if !ok {
		return
	}
	if !s.bookToken(w, r, s.clientIP(r), s.trackLimit.take) { // every booking costs a token
		return
	}
	form := url.Values{"name": {strings.TrimSpace(r.PostFormValue("name"))}, "phone": {strings.TrimSpace(r.PostFormValue("phone"))},
		"id": {strings.TrimSpace(r.PostFormValue("id"))}}
	slot, status, msg := s.checkBooking(h, form, r.PostFormValue("slot"))
	now := s.now().UTC()
	b := app.Booking{Code: NewBookingCode(), Service: svc.Code, Slot: slot, Minutes: h.Plan.SlotMinutes, Status: app.BookingBooked,
		MaskedName: app.MaskName(form.Get("name")), MaskedPhone: app.MaskPhone(form.Get("phone")),
		IDHash: h.IDHash(form.Get("id")), CreatedAt: now, UpdatedAt: now}
	if status == 0 {
		err := s.bookingStore().Book(r.Context(), h.Site.ID, b, form.Get("phone"), h.Plan)
		switch app.ErrorCode(err) {
		case "":
			s.log.InfoContext(r.Context(), "booking made", "site", h.Site.ID, "service", svc.Code)
			http.Redirect(w, r, "/b/"+b.Code, http.StatusSeeOther)
			return
		case app.ECONFLICT:
			status, msg = http.StatusConflict, "该时段已约满，请选择其他时段。"
		default:
			s.pageFail(w, r, err)
			return
		}
	}
	p, err := s.slotPage(r, h, svc, r.URL.Path, slot.In(h.Loc).Format(time.DateOnly), r.PostFormValue("slot"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p.Error, p.Form = msg, form
	s.renderBook(w, r, status, "book-slots", p)
}

// checkBooking checks the form of a new booking; status is 0 when it is good, else 400 with
// what to fix in Chinese.
func (s *Server) checkBooking(h Bookable, form url.Values, slotValue string) (time.Time, int, string) {
	sec, err := strconv.ParseInt(slotValue, 10, 64)
	slot := time.Unix(sec, 0).UTC()
	switch {
	case err != nil || !h.ValidSlot(slot, s.now()):
		return slot, http.StatusBadRequest, "请选择一个可预约的时段。"
	case ValidName(form.Get("name")) != nil:
		return slot, http.StatusBadRequest, "请填写姓名（最多 20 个汉字）。"
	case !mobile.MatchString(form.Get("phone")):
		return slot, http.StatusBadRequest, "请填写 11 位手机号码。"
	}
	if id := form.Get("id"); id != "" {
		if _, err := app.ParseIDNumber(id); err != nil {
			return slot, http.StatusBadRequest, "身份证号码有误，可不填。"
		}
	}
	return slot, 0, ""
}

// lookUp finds the booking of the path under the rate limit; it answers the request itself when
// it returns false.
func (s *Server) lookUp(w http.ResponseWriter, r *http.Request) (BookingRecord, Bookable, bool) {
	// What is not a booking code costs nothing: only well-formed wrong guesses cost a token.
	code, err := ParseBookingCode(r.PathValue("code"))
	client := s.clientIP(r)
	if err == nil && !s.bookToken(w, r, client, s.trackLimit.allow) {
		return BookingRecord{}, Bookable{}, false
	}
	var b BookingRecord
	if err == nil {
		if b, err = s.bookingStore().Booking(r.Context(), code); app.ErrorCode(err) == app.ENOTFOUND {
			if err := s.trackLimit.charge(r.Context(), client); err != nil {
				s.pageFail(w, r, err)
				return BookingRecord{}, Bookable{}, false
			}
		}
	}
	switch app.ErrorCode(err) {
	case "":
	case app.ENOTFOUND, app.EINVALID:
		s.renderBook(w, r, http.StatusNotFound, "book-msg", s.bookNotice("预约查询", "未查到该预约，请核对预约码。"))
		return b, Bookable{}, false
	default:
		s.pageFail(w, r, err)
		return b, Bookable{}, false
	}
	sites, err := s.web.Sites(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return b, Bookable{}, false
	}
	for _, st := range sites {
		if st.ID == b.Site {
			h, _ := SiteBookable(st)
			h.Site, h.Loc = st, cmp.Or(h.Loc, s.loc)
			return b, h, true
		}
	}
	s.pageFail(w, r, app.Errorf(app.ENOTFOUND, "the booking's site is gone"))
	return b, Bookable{}, false
}

func (s *Server) bookingView(b BookingRecord, h Bookable) *bookingView {
	name := b.Service
	if h.Site.Catalogue != nil {
		for _, svc := range h.Site.Catalogue.Services {
			if svc.Code == b.Service {
				name = svc.Name
			}
		}
	}
	slot := b.Slot.In(h.Loc)
	v := &bookingView{Code: b.Code, Shown: FormatBookingCode(b.Code), Hall: h.Site.Name, Service: name,
		Day:    slot.Format("2006年1月2日") + " " + weekdays[slot.Weekday()],
		Time:   slot.Format("15:04") + "–" + slot.Add(time.Duration(b.Minutes)*time.Minute).Format("15:04"),
		Status: b.Status.Label(), StatusClass: string(b.Status), Name: b.MaskedName, Phone: b.MaskedPhone,
		Active: b.Status == app.BookingBooked && slot.After(s.now())}
	return v
}

func (s *Server) bookingPage(w http.ResponseWriter, r *http.Request, _ visit) {
	b, h, ok := s.lookUp(w, r)
	if !ok {
		return
	}
	s.showBooking(w, r, http.StatusOK, b, h, "")
}

func (s *Server) showBooking(w http.ResponseWriter, r *http.Request, status int, b BookingRecord, h Bookable, msg string) {
	p := s.bookPage("我的预约")
	p.Booking, p.Error = s.bookingView(b, h), msg
	p.Phone = s.hallPhone(h)
	if b.Status == app.BookingBooked {
		png, err := qrcode.Encode(b.Code, qrcode.Medium, 240)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	s.renderBook(w, r, status, "booking", p)
}

// owner checks the last four digits of the booking's phone that the form gives; it answers the
// request itself when they do not match.
func (s *Server) owner(w http.ResponseWriter, r *http.Request, b BookingRecord, h Bookable) bool {
	last4 := strings.TrimSpace(r.PostFormValue("last4"))
	if len(b.Phone) >= 4 && subtle.ConstantTimeCompare([]byte(last4), []byte(b.Phone[len(b.Phone)-4:])) == 1 {
		return true
	}
	if err := s.trackLimit.charge(r.Context(), s.clientIP(r)); err != nil { // a wrong guess costs a token
		s.pageFail(w, r, err)
		return false
	}
	s.showBooking(w, r, http.StatusForbidden, b, h, "手机号后四位不符，请重新输入。")
	return false
}

func (s *Server) bookingCancel(w http.ResponseWriter, r *http.Request, _ visit) {
	b, h, ok := s.lookUp(w, r)
	if !ok || !s.owner(w, r, b, h) {
		return
	}
	_, err := s.bookingStore().CancelBooking(r.Context(), b.Code)
	if s.rebookFailed(w, r, err, b, h) {
		return
	}
	s.log.InfoContext(r.Context(), "booking cancelled", "site", h.Site.ID)
	http.Redirect(w, r, "/b/"+b.Code, http.StatusSeeOther)
}

// rebookFailed answers a move or cancel the store refused.
func (s *Server) rebookFailed(w http.ResponseWriter, r *http.Request, err error, b BookingRecord, h Bookable) bool {
	switch app.ErrorCode(err) {
	case "":
		return false
	case app.ETRANSITION:
		cur, err := s.bookingStore().Booking(r.Context(), b.Code)
		if err != nil {
			s.pageFail(w, r, err)
			return true
		}
		s.showBooking(w, r, http.StatusConflict, cur, h, "该预约已"+cur.Status.Label()+"，不能再更改。")
	default:
		s.pageFail(w, r, err)
	}
	return true
}

func (s *Server) bookingMoveForm(w http.ResponseWriter, r *http.Request, _ visit) {
	b, h, ok := s.lookUp(w, r)
	if !ok {
		return
	}
	s.showMove(w, r, http.StatusOK, b, h, r.URL.Query().Get("day"), "", "")
}

func (s *Server) showMove(w http.ResponseWriter, r *http.Request, status int, b BookingRecord, h Bookable, day, chosen, msg string) {
	svc, ok := h.Service(b.Service)
	if b.Status != app.BookingBooked || !ok {
		s.showBooking(w, r, http.StatusConflict, b, h, "该预约不能改期。")
		return
	}
	p, err := s.slotPage(r, h, svc, "/b/"+b.Code+"/move", day, chosen)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p.Title, p.Booking, p.Error, p.Form = "改期", s.bookingView(b, h), msg, url.Values{}
	s.renderBook(w, r, status, "book-slots", p)
}

func (s *Server) bookingMove(w http.ResponseWriter, r *http.Request, _ visit) {
	b, h, ok := s.lookUp(w, r)
	if !ok || !s.owner(w, r, b, h) {
		return
	}
	sec, err := strconv.ParseInt(r.PostFormValue("slot"), 10, 64)
	slot := time.Unix(sec, 0).UTC()
	if err != nil || !h.ValidSlot(slot, s.now()) {
		s.showMove(w, r, http.StatusBadRequest, b, h, "", "", "请选择一个可预约的时段。")
		return
	}
	moved, err := s.bookingStore().MoveBooking(r.Context(), b.Code, slot, h.Plan)
	if app.ErrorCode(err) == app.ECONFLICT {
		s.showMove(w, r, http.StatusConflict, b, h, slot.In(h.Loc).Format(time.DateOnly), "", "该时段已约满，请选择其他时段。")
		return
	}
	if s.rebookFailed(w, r, err, b, h) {
		return
	}
	s.log.InfoContext(r.Context(), "booking moved", "site", h.Site.ID)
	http.Redirect(w, r, "/b/"+moved.Code, http.StatusSeeOther)
}

// hallPhone is the phone residents call about a hall's bookings: the one set at the centre, else
// the hall's own, else the centre's.
func (s *Server) hallPhone(h Bookable) string {
	if h.Site.Catalogue == nil {
		return cmp.Or(h.Site.Phone, s.centrePhone)
	}
	return cmp.Or(h.Site.Phone, h.Site.Catalogue.Phone, s.centrePhone)
}

// bookToken checks (allow) or takes (take) a token of the client's bucket, shared with the
// tracking page; a client out of tokens gets the limited page, and a database error the error
// page: both return false.
func (s *Server) bookToken(w http.ResponseWriter, r *http.Request, client string, check func(context.Context, string) (bool, error)) bool {
	ok, err := check(r.Context(), client)
	switch {
	case err != nil:
		s.pageFail(w, r, err)
	case !ok:
		s.bookLimited(w, r)
	}
	return err == nil && ok
}
