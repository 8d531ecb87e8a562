package center_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestBookingInBrowser books, moves and cancels an appointment by tapping through the pages in
// headless Chromium on a 360×780 phone screen, and screenshots each page
// (docs/screenshots/booking-*.png with FENGQIAO_SCREENSHOTS=1). A second resident then finds the
// slot full.
func TestBookingInBrowser(t *testing.T) {
	f := newBookingFixture(t, centertest.SQLite(t), center.WithTrackLimit(60, 100), center.WithTownSite("枫桥镇"))
	dir := screenshotDir(t)
	tb := newTab(t, 360, 780, 3*time.Minute)
	bctx, run, text := tb.ctx, tb.run, tb.text
	shot := func(name string) {
		t.Helper()
		dom, err := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{bookName, bookPhone} {
			if strings.Contains(formValue.ReplaceAllString(dom, ""), secret) {
				t.Errorf("%s shows %q", name, secret)
			}
		}
		width, err := chromedp.Run(bctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		if err != nil || width > 360 {
			t.Errorf("%s is %d px wide on a 360 px screen (%v)", name, width, err)
		}
		tb.shot(dir, name)
	}

	run("emulate a phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	run("open the booking start", chromedp.Navigate(f.srv.URL+"/book"), chromedp.WaitVisible(chromedp.CSS("ul.list a")))
	if got := text("main"); !strings.Contains(got, "镇综治中心") || !strings.Contains(got, "村（社区）") || !strings.Contains(got, "栎桥村") {
		t.Errorf("the hall list: %s", got)
	}
	shot("booking-halls.png")
	run("pick the hall", chromedp.Click(chromedp.CSS(`a[href="/book/`+strconv.FormatInt(f.siteA.ID, 10)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/mediation"]`)))
	shot("booking-services.png")
	run("pick the service", chromedp.Click(chromedp.CSS(`a[href$="/mediation"]`)), chromedp.WaitVisible(chromedp.CSS("ul.days")))
	run("pick Tuesday", chromedp.Click(chromedp.CSS(`a[href$="?day=2027-03-02"]`)), chromedp.WaitVisible(chromedp.CSS("a.on")))
	if got := text("a.on"); !strings.Contains(got, "明天 3月2日 周二") {
		t.Errorf("the chosen day is %q", got)
	}
	run("fill the form", chromedp.Click(chromedp.CSS(`input[value="`+slot(1, 9, 0)+`"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), bookName),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), bookPhone))
	shot("booking-slots.png")
	run("book", chromedp.Click(chromedp.CSS(`button.go`)), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	code := strings.ReplaceAll(text("#code"), "-", "")
	if st := text("#status"); st != "已预约" || text("#time") != "09:00–09:30" {
		t.Errorf("booked: %s %s", st, text("#time"))
	}
	shot("booking-done.png")

	// Another resident on another phone finds the slot full.
	if status, page := post(f.srv.URL+"/book/"+strconv.FormatInt(f.siteA.ID, 10)+"/mediation", bookForm(slot(1, 9, 0))); status != 409 {
		t.Errorf("the second booking of the last place: %d %.200s", status, page)
	}
	run("open the move page", chromedp.Click(chromedp.CSS(`a.go.sec`)), chromedp.WaitVisible(chromedp.CSS("ul.days")))
	run("pick Thursday", chromedp.Click(chromedp.CSS(`a[href$="?day=2027-03-04"]`)), chromedp.WaitVisible(chromedp.CSS("a.on")))
	run("move", chromedp.Click(chromedp.CSS(`input[value="`+slot(3, 14, 30)+`"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="last4"]`), "5678"))
	shot("booking-move.png")
	run("confirm the move", chromedp.Click(chromedp.CSS(`button.go`)), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	if got := text("#time"); got != "14:30–15:00" {
		t.Errorf("moved to %s", got)
	}
	run("wrong digits", chromedp.SendKeys(chromedp.CSS(`form input[name="last4"]`), "1111"),
		chromedp.Click(chromedp.CSS(`button.go.alt`)), chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := text("#error"); !strings.Contains(got, "后四位不符") {
		t.Errorf("wrong digits: %s", got)
	}
	run("cancel", chromedp.SendKeys(chromedp.CSS(`form input[name="last4"]`), "5678"),
		chromedp.Click(chromedp.CSS(`button.go.alt`)), chromedp.WaitVisible(chromedp.CSS("#status.cancelled")))
	shot("booking-cancelled.png")
	b, err := f.st.Booking(context.Background(), code)
	if err != nil || b.Status != "cancelled" {
		t.Errorf("the booking %s is %v, %v", code, b.Status, err)
	}
}
