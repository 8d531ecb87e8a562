package center_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/citysim"
	"fengqiao/wire"
)

// TestOverdueMemo: a county's overdue figures are reused for 30 s by the node that found them —
// the page says when they were found — and a change made through another node shows when they
// expire, while one made through this node shows at once. A town's are found for every page.
func TestOverdueMemo(t *testing.T) {
	ctx := context.Background()
	var offset atomic.Int64 // how far this node's clock is ahead
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	f := newAuthFixture(t, centertest.Postgres(t), center.WithOverdueMemo(30*time.Second), center.WithClock(clock))
	site, err := f.st.Site(ctx, f.siteA.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Three months of a hall's visitors: many cases past their deadlines, some escalated.
	h := citysim.NewHall(7, site.AppliedThrough)
	for i := range 3 {
		at := time.Now().AddDate(0, -3, i)
		if _, err := f.st.ApplyBatch(ctx, f.siteA.ID, wire.PushRequest{Events: h.Events(800, at)}); err != nil {
			t.Fatal(err)
		}
	}
	// The county gets more halls than a town has (a town's figures are never reused).
	for i := range 50 {
		_, hash := center.NewToken()
		hall, err := f.st.AddSite(ctx, "村"+strconv.Itoa(i), hash)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.PlaceSite(ctx, hall.ID, f.regions["店口镇"].ID); err != nil {
			t.Fatal(err)
		}
	}
	county, admin := f.principals[13], f.principals[9]
	count := regexp.MustCompile(`id="overdue">(\d+)<`)
	town := "/dashboard?region=" + strconv.FormatInt(f.regions["枫桥镇"].ID, 10) // site A's town
	overdueAt := func(when, path string) (int, bool) {
		t.Helper()
		st, page, _ := f.call(t, county, "GET", path, "")
		m := count.FindStringSubmatch(page)
		if st != 200 || m == nil {
			t.Fatalf("%s: %d, no overdue count", when, st)
		}
		n, _ := strconv.Atoi(m[1])
		return n, regexp.MustCompile(`id="overdue-at">统计于 `).MatchString(page)
	}
	overdue := func(when string) (int, bool) { t.Helper(); return overdueAt(when, "/dashboard") }
	// The escalated disputes still open, which the centre may close.
	var codes []string
	rows, err := f.st.DB().QueryContext(ctx, `SELECT code FROM cases WHERE owner = 'centre' AND service = 'mediation'
		AND status NOT IN ('closed', 'rejected') ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	if len(codes) < 2 {
		t.Fatalf("%d escalated disputes open; want two", len(codes))
	}
	closeCase := func(code string) {
		t.Helper()
		for range 5 {
			var status string
			if err := f.st.DB().QueryRowContext(ctx, "SELECT status FROM cases WHERE code = $1", code).Scan(&status); err != nil {
				t.Fatal(err)
			}
			body := map[string]string{"registered": `{"status":"accepted"}`,
				"accepted": `{"status":"assigned","unit":"司法所","level":"人民调解"}`,
				"assigned": `{"status":"handling","handling":"mediation"}`, "assessing": `{"status":"handling","handling":"mediation"}`,
				"handling": `{"status":"closed","result":"resolved"}`}[status]
			if body == "" {
				return
			}
			if st, raw, _ := f.call(t, admin, "POST", "/api/v1/cases/"+code+"/changes", body); st != 200 {
				t.Fatalf("change %s from %s: %d %s", code, status, st, raw)
			}
		}
	}

	first, memo := overdue("first")
	if first == 0 || memo {
		t.Fatalf("first view: %d overdue, reused %v; want some, found now", first, memo)
	}
	if n, memo := overdueAt("the town", town); n != first || memo { // all of them are site A's
		t.Fatalf("the town: %d overdue, reused %v; want %d, found now", n, memo, first)
	}
	other := httptest.NewServer(center.NewServer(f.st, nil)) // another node on the same database
	defer other.Close()
	here := f.srv
	f.srv = other
	closeCase(codes[0])
	f.srv = here
	if n, memo := overdue("after another node's change"); n != first || !memo {
		t.Errorf("after another node's change: %d overdue, reused %v; want the %d found before, said so", n, memo, first)
	}
	if n, memo := overdueAt("the town", town); n != first-1 || memo {
		t.Errorf("the town, after another node's change: %d overdue, reused %v; want %d, found now", n, memo, first-1)
	}
	offset.Add(int64(31 * time.Second))
	second, memo := overdue("31 s on")
	if second != first-1 || memo {
		t.Errorf("31 s on: %d overdue, reused %v; want %d, found now", second, memo, first-1)
	}
	closeCase(codes[1]) // through this node
	if n, memo := overdue("after this node's change"); n != second-1 || memo {
		t.Errorf("after this node's change: %d overdue, reused %v; want %d, found now", n, memo, second-1)
	}
}
