package center_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestLedgerXLSX writes seven cases three to a sheet and reads the workbook back: the columns of
// a 矛盾纠纷排查化解台账, one row per case over three sheets, the referral's department as the
// tracking page's 承办单位, the escalated case under the town with its origin named.
func TestLedgerXLSX(t *testing.T) {
	cat := center.Catalogue{Sites: map[int64]string{1: "枫源村"}, Services: app.DefaultServices(), Location: time.UTC,
		Town: "枫桥镇综治中心"}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	x, err := center.NewLedgerXLSX(cat, now, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	closed := now.AddDate(0, 0, -1)
	for i := range 7 {
		r := center.LedgerRow{Code: fmt.Sprint(i), Site: 1, Service: "mediation", Category: "邻里纠纷", Status: app.CaseClosed,
			Result: app.ResultResolved, OpenedAt: now.AddDate(0, 0, -10+i), ClosedAt: &closed, MaskedName: "张*丰",
			Summary: "宅基地边界争议", Unit: "村调委会", Handling: app.HandlingMediation, Mediator: "王调解",
			LastFollow: &closed, FollowNote: "回访结果：满意", Grid: "第一网格 · 一组"}
		if i == 6 {
			r.Service, r.Category, r.Handling, r.Department, r.Escalated = "legal", "借贷纠纷", app.HandlingReferral, "镇农业农村办", true
			r.Owner = app.OwnerCentre
		}
		if err := x.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"汇总", "台账", "台账2", "台账3"}) {
		t.Fatalf("sheets %v", got)
	}
	var cases [][]string
	for _, sheet := range []string{"台账", "台账2", "台账3"} {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], center.LedgerColumns) {
			t.Errorf("%s header %v", sheet, rows[0])
		}
		cases = append(cases, rows[1:]...)
	}
	if len(cases) != 7 || cases[0][0] != "1" || cases[6][0] != "7" {
		t.Fatalf("%d cases, numbered %v…", len(cases), cases[0])
	}
	want := []string{"1", "2026-11-10", "来访（矛盾纠纷调解）", "枫源村", "张*丰", "邻里纠纷", "宅基地边界争议", "村调委会", "王调解",
		"调解", "已化解", "2026-11-19", "否", "2026-11-19", "回访结果：满意", "第一网格 · 一组"}
	if !slices.Equal(cases[0], want) {
		t.Errorf("first case\n got %q\nwant %q", cases[0], want)
	}
	unit := center.HandlingUnit("村调委会", app.HandlingReferral, "镇农业农村办")
	if last := cases[6]; last[3] != "枫桥镇综治中心" || last[5] != "法律咨询 · 借贷纠纷" || last[9] != "转办："+unit ||
		last[12] != "是（枫源村上报）" {
		t.Errorf("referral row %q: want the town's, 转办：%s and 是（枫源村上报）", last, unit)
	}
	sum, _ := f.GetRows("汇总")
	if !strings.Contains(fmt.Sprint(sum), "其他事项（不计入矛盾纠纷）") || !strings.Contains(fmt.Sprint(sum), "法律咨询") {
		t.Errorf("summary sheet %v", sum)
	}
}

// TestExportScope checks the export's site and period and the monthly report's default month.
func TestExportScope(t *testing.T) {
	f := newWebFixture(t, centertest.SQLite(t))
	leader, village := f.browser(t), f.browser(t)
	leader.signIn("leader", testPassword)
	village.signIn("village", testPassword)
	today := time.Now().Format(time.DateOnly)
	tests := []struct {
		name   string
		b      *browser
		path   string
		status int
		cases  int
	}{
		{"every site", leader, "/dashboard/ledger.xlsx", 200, 2},
		{"one site", leader, fmt.Sprintf("/dashboard/ledger.xlsx?site=%d", f.siteB.ID), 200, 1},
		{"today", leader, "/dashboard/ledger.xlsx?from=" + today + "&to=" + today, 200, 2},
		{"before any case", leader, "/dashboard/ledger.xlsx?to=2020-01-01", 200, 0},
		{"another village's site", village, fmt.Sprintf("/dashboard/ledger.xlsx?site=%d", f.siteB.ID), 400, 0},
		{"a bad date", leader, "/dashboard/ledger.xlsx?from=yesterday", 400, 0},
		{"the period backwards", leader, "/dashboard/ledger.xlsx?from=2026-02-01&to=2026-01-01", 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.b.do("GET", tt.path, nil)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			if status != 200 {
				return
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			rows, _ := x.GetRows("台账")
			if len(rows)-1 != tt.cases {
				t.Errorf("%d cases, want %d", len(rows)-1, tt.cases)
			}
			if sum, _ := x.GetRows("汇总"); !strings.Contains(fmt.Sprint(sum), "数据来自各站点最近一次同步，最早：") {
				t.Errorf("the summary is not labelled with the oldest contact: %v", sum[:2])
			}
		})
	}
	status, body := leader.do("GET", "/dashboard/report.pdf", nil)
	if status != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("monthly report without a month: status %d", status)
	}
}
