package center_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// bookingNow is the booking tests' clock: a Monday morning in the halls' zone.
var bookingNow = time.Date(2027, 3, 1, 7, 0, 0, 0, time.FixedZone("CST", 8*3600))

// The resident of the booking tests: none of it may appear in a page, a change or a log.
const (
	bookName  = "欧阳丽华"
	bookPhone = "13912345678"
)

// bookingPlan is the plan of the test halls: 30-minute slots, two places a slot, one of them
// for mediation, a holiday on Wednesday.
func bookingPlan() *app.BookingPlan {
	return &app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2, PerService: map[string]int{"mediation": 1, "legal": 2},
		ClosedDates: []string{"2027-03-03"}, GraceMinutes: 15, IDKey: base64.StdEncoding.EncodeToString([]byte("hall-secret-key"))}
}

// bookingFixture is a centre whose two villages take bookings, and a server on it.
type bookingFixture struct {
	st           *sqlstore.Store
	srv          *httptest.Server
	siteA, siteB center.Site
	tokenA       string
}

func newBookingFixture(t *testing.T, dsn string, opts ...center.Option) *bookingFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &bookingFixture{st: st}
	for i, name := range []string{"枫桥镇", "栎桥村"} {
		tok, hash := center.NewToken()
		site, err := st.AddSite(ctx, name, hash)
		if err != nil {
			t.Fatal(err)
		}
		cat := wire.Catalogue{Name: name, Phone: "0575-8701100" + strconv.Itoa(i), TimeZone: "Asia/Shanghai",
			Hours: "周一至周五 08:30-12:00、13:30-17:30", Weekdays: []int{1, 2, 3, 4, 5}, Periods: []string{"08:30-12:00", "13:30-17:30"},
			Services: []app.Service{{Code: "mediation", Name: "矛盾纠纷调解"}, {Code: "legal", Name: "法律咨询"},
				{Code: "petition", Name: "信访接待"}}, Booking: bookingPlan()}
		if err := st.RecordContact(ctx, site.ID, center.Contact{At: time.Now(), Catalogue: &cat}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.siteA, f.tokenA = site, tok
		} else {
			f.siteB = site
		}
	}
	f.srv = newBookingServer(t, st, opts...)
	return f
}

func newBookingServer(t *testing.T, st *sqlstore.Store, opts ...center.Option) *httptest.Server {
	opts = append([]center.Option{center.WithCentre("枫桥镇综治中心", "0575-87010000"),
		center.WithClock(func() time.Time { return bookingNow })}, opts...)
	srv := httptest.NewServer(center.NewServer(st, nil, opts...))
	t.Cleanup(srv.Close)
	return srv
}

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes a request and checks the answer holds no personal data.
func send(t *testing.T, method, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	shown := string(raw)
	if method == "POST" && strings.Contains(u, "/book/") {
		// A refused booking form keeps what the resident typed, for them alone.
		shown = formValue.ReplaceAllString(shown, "")
	}
	for _, secret := range []string{bookName, bookPhone, centertest.IDNumber(7)} {
		if strings.Contains(shown, secret) || strings.Contains(resp.Header.Get("Location"), secret) {
			t.Errorf("%s %s shows personal data %q", method, u, secret)
		}
	}
	return resp.StatusCode, string(raw), resp.Header
}

// slot returns the form value of a slot of the test week: day 0 is Monday, at hh:mm.
func slot(day, hh, mm int) string {
	t := time.Date(2027, 3, 1+day, hh, mm, 0, 0, bookingNow.Location())
	return strconv.FormatInt(t.Unix(), 10)
}

func bookForm(slotValue string) url.Values {
	return url.Values{"slot": {slotValue}, "name": {bookName}, "phone": {bookPhone}, "id": {centertest.IDNumber(7)}}
}

// book books a slot through the page and returns the booking code.
func book(t *testing.T, base string, site int64, service, slotValue string) string {
	t.Helper()
	status, page, hdr := send(t, "POST", base+"/book/"+strconv.FormatInt(site, 10)+"/"+service, bookForm(slotValue))
	if status != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/b/Y") {
		t.Fatalf("book %s at %s: %d %s", service, slotValue, status, page)
	}
	return strings.TrimPrefix(hdr.Get("Location"), "/b/")
}

var formValue = regexp.MustCompile(`value="[^"]*"`)

var qrSrc = regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)"`)

// pageQR decodes the QR code a booking page shows.
func pageQR(t *testing.T, page string) string {
	t.Helper()
	m := qrSrc.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the booking page has no QR code: %s", page)
	}
	raw, _ := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		// gozxing's finder-pattern search misreads about 1 code in 400 of go-qrcode's output (a
		// version number of 0); the page's image is a pure code, so read it as one.
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}

// TestBookingFlow books, looks up, moves and cancels a booking through the pages, and reads what
// the hall would pull after each step.
func TestBookingFlow(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newBookingFixture(t, be.DSN(t), center.WithTrackLimit(60, 100))
			ctx := context.Background()
			site := strconv.FormatInt(f.siteA.ID, 10)

			_, halls, _ := send(t, "GET", f.srv.URL+"/book", nil)
			if !strings.Contains(halls, "枫桥镇") || !strings.Contains(halls, "/book/"+site) {
				t.Errorf("the hall list lacks the village: %s", halls)
			}
			_, svcs, _ := send(t, "GET", f.srv.URL+"/book/"+site, nil)
			if !strings.Contains(svcs, "矛盾纠纷调解") || strings.Contains(svcs, "信访接待") {
				t.Errorf("the services are not the bookable ones: %s", svcs)
			}
			_, days, _ := send(t, "GET", f.srv.URL+"/book/"+site+"/mediation", nil)
			for _, want := range []string{"今天 3月1日 周一", "明天 3月2日 周二", "3月4日 周四", "08:30<small>余 1 个", "上午", "下午"} {
				if !strings.Contains(days, want) {
					t.Errorf("the day page lacks %q", want)
				}
			}
			for _, not := range []string{"3月3日", "3月6日", "3月7日"} { // the holiday and the weekend
				if strings.Contains(days, not) {
					t.Errorf("the day page offers the closed day %s", not)
				}
			}

			// Bad input is refused in Chinese and books nothing.
			for _, tt := range []struct {
				field, value, want string
			}{{"phone", "12345", "手机号码"}, {"name", "", "姓名"}, {"slot", slot(2, 9, 0), "时段"}, {"slot", slot(0, 12, 0), "时段"},
				{"id", "330681199001011234", "身份证"}} {
				form := bookForm(slot(1, 9, 0))
				form.Set(tt.field, tt.value)
				if status, page, _ := send(t, "POST", f.srv.URL+"/book/"+site+"/mediation", form); status != 400 || !strings.Contains(page, tt.want) {
					t.Errorf("%s=%q: %d, want 400 naming %s", tt.field, tt.value, status, tt.want)
				}
			}

			code := book(t, f.srv.URL, f.siteA.ID, "mediation", slot(1, 9, 0))
			status, page, _ := send(t, "GET", f.srv.URL+"/b/"+code, nil)
			if status != 200 || !strings.Contains(page, center.FormatBookingCode(code)) || !strings.Contains(page, "欧**华") ||
				!strings.Contains(page, "139****5678") || !strings.Contains(page, "09:00–09:30") {
				t.Errorf("booking page: %d %s", status, page)
			}
			if got := pageQR(t, page); got != code {
				t.Errorf("the QR holds %q, want only the code %q", got, code)
			}
			// The slot's one mediation place is gone; legal still has one place in it.
			if _, p, _ := send(t, "GET", f.srv.URL+"/book/"+site+"/mediation?day=2027-03-02", nil); !strings.Contains(p, "09:00<small>已约满") {
				t.Errorf("the taken slot is not shown full")
			}
			if status, p, _ := send(t, "POST", f.srv.URL+"/book/"+site+"/mediation", bookForm(slot(1, 9, 0))); status != 409 ||
				!strings.Contains(p, "该时段已约满") {
				t.Errorf("a second mediation booking of the slot: %d", status)
			}
			book(t, f.srv.URL, f.siteA.ID, "legal", slot(1, 9, 0))
			if status, _, _ := send(t, "POST", f.srv.URL+"/book/"+site+"/legal", bookForm(slot(1, 9, 0))); status != 409 {
				t.Errorf("a third booking of a two-place slot: %d", status)
			}

			// Moving and cancelling need the phone's last four digits.
			move := url.Values{"slot": {slot(4, 14, 0)}, "last4": {"0000"}}
			if status, p, _ := send(t, "POST", f.srv.URL+"/b/"+code+"/move", move); status != 403 || !strings.Contains(p, "后四位不符") {
				t.Errorf("move with wrong digits: %d", status)
			}
			move.Set("last4", "5678")
			if status, _, _ := send(t, "POST", f.srv.URL+"/b/"+code+"/move", move); status != 303 {
				t.Errorf("move: %d", status)
			}
			if _, p, _ := send(t, "GET", f.srv.URL+"/b/"+code, nil); !strings.Contains(p, "14:00–14:30") || !strings.Contains(p, "3月5日") {
				t.Errorf("the moved booking shows %s", p)
			}
			book(t, f.srv.URL, f.siteA.ID, "mediation", slot(1, 9, 0)) // the old place is free again
			if status, _, _ := send(t, "POST", f.srv.URL+"/b/"+code+"/cancel", url.Values{"last4": {"5678"}}); status != 303 {
				t.Errorf("cancel: %d", status)
			}
			if status, p, _ := send(t, "POST", f.srv.URL+"/b/"+code+"/cancel", url.Values{"last4": {"5678"}}); status != 409 ||
				!strings.Contains(p, "已取消") {
				t.Errorf("cancel twice: %d", status)
			}
			if status, _, _ := send(t, "GET", f.srv.URL+"/b/Y22222222", nil); status != 404 {
				t.Errorf("unknown code: %d", status)
			}

			// The hall pulls every step, in order, with masked data and the ID number's keyed hash.
			changes, err := f.st.Changes(ctx, f.siteA.ID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, c := range changes {
				if c.Kind != wire.ChangeBooking || c.Booking == nil || c.Booking.Code != c.Code {
					t.Fatalf("change %+v", c)
				}
				kinds = append(kinds, string(c.Booking.Status)+"@"+c.Booking.Slot.In(bookingNow.Location()).Format("02 15:04"))
				raw, _ := json.Marshal(c)
				if strings.Contains(string(raw), bookName) || strings.Contains(string(raw), bookPhone) || strings.Contains(string(raw), centertest.IDNumber(7)) {
					t.Errorf("a change carries personal data: %s", raw)
				}
			}
			want := "booked@02 09:00 booked@02 09:00 booked@05 14:00 booked@02 09:00 cancelled@05 14:00"
			if strings.Join(kinds, " ") != want {
				t.Errorf("changes %v, want %s", kinds, want)
			}
			key, _ := base64.StdEncoding.DecodeString(bookingPlan().IDKey)
			if changes[0].Booking.IDHash != app.IDHash(key, centertest.IDNumber(7)) || changes[0].Booking.MaskedPhone != "139****5678" {
				t.Errorf("the booking sent: %+v", changes[0].Booking)
			}
		})
	}
}

// TestBookingRateLimit: failed look-ups and bookings are limited like the tracking page.
func TestBookingRateLimit(t *testing.T) {
	f := newBookingFixture(t, centertest.SQLite(t), center.WithTrackLimit(1, 3))
	code := book(t, f.srv.URL, f.siteA.ID, "legal", slot(1, 10, 0))
	for i := range 2 {
		if status, _, _ := send(t, "GET", f.srv.URL+"/b/Y22222222", nil); status != 404 {
			t.Fatalf("miss %d: %d", i, status)
		}
	}
	if status, p, _ := send(t, "GET", f.srv.URL+"/b/"+code, nil); status != 429 || !strings.Contains(p, "操作过于频繁") {
		t.Errorf("after the misses a good code answers %d", status)
	}
}
