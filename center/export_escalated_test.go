package center_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestEscalatedInExports escalates 栎桥村's case and reads the 台账 and the monthly report back:
// the case is shown under who works it now (the centre, or the town hall it was handed to) with
// its origin named, listed once by origin and once by current owner, and the totals count each
// case once.
func TestEscalatedInExports(t *testing.T) {
	tests := []struct {
		name     string
		opts     []center.Option
		handover bool
		owner    string
	}{
		{"kept by the centre", nil, false, "枫桥镇综治中心"},
		{"handed to the town hall", []center.Option{center.WithTownSite("枫源村")}, true, "枫源村"},
	}
	for _, be := range centertest.Backends() {
		for _, tt := range tests {
			t.Run(be.Name+"/"+tt.name, func(t *testing.T) {
				f := newWebFixture(t, be.DSN(t), tt.opts...)
				escalate(t, f.st, f.siteB, f.codeB, time.Now().Add(-time.Hour))
				staff := f.browser(t)
				_, csrf := staff.signIn("staff", testPassword)
				acts := []string{"accept"}
				if tt.handover {
					acts = append(acts, "handover")
				}
				for _, act := range acts {
					if status, _ := raw(t, staff, "POST", "/dashboard/cases/"+f.codeB+"/"+act, url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
						t.Fatalf("%s: %d, want 303", act, status)
					}
				}

				status, body := staff.do("GET", "/dashboard/ledger.xlsx", nil)
				if status != 200 {
					t.Fatalf("ledger.xlsx: %d", status)
				}
				x, err := excelize.OpenReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				rows, _ := x.GetRows("台账")
				site, up := slices.Index(center.LedgerColumns, "站点"), slices.Index(center.LedgerColumns, "是否上报")
				var got [][2]string
				for _, r := range rows[1:] {
					got = append(got, [2]string{r[site], r[up]})
				}
				want := [][2]string{{"枫源村", "否"}, {tt.owner, "是（栎桥村上报）"}}
				if !slices.Equal(got, want) {
					t.Errorf("台账 站点 and 是否上报 %q, want %q", got, want)
				}
				sum, _ := x.GetRows("汇总")
				for _, w := range [][]string{
					{"合计", "2", "0"},
					{"上报事项（按上报站点）", "受理"}, {"栎桥村", "1", "0"},
					{"上报事项（按当前办理）", "受理"}, {tt.owner, "1", "0"},
				} {
					i := slices.IndexFunc(sum, func(r []string) bool { return len(r) >= len(w) && slices.Equal(r[:len(w)], w) })
					if i < 0 {
						t.Errorf("汇总 has no row %q: %q", w, sum)
					}
					sum = sum[i+1:] // in this order
				}

				status, pdf := staff.do("GET", "/dashboard/report.pdf", nil)
				if status != 200 {
					t.Fatalf("report.pdf: %d", status)
				}
				text := reportText(t, pdf)
				fields := func(after, name string) []string { return rowAfter(text, after, name) }
				for _, c := range []struct{ after, name string }{
					{"按站点", "枫源村"}, {"按站点", "栎桥村"}, {"上报事项（按上报站点）", "栎桥村"}, {"上报事项（按当前办理）", tt.owner},
				} {
					if f := fields(c.after, c.name); len(f) < 2 || f[1] != "1" {
						t.Errorf("report after %s: %s's row %q, want 本月受理 1", c.after, c.name, f)
					}
				}
				if !strings.Contains(text, "上报事项：本月 1 件，年度 1 件") {
					t.Errorf("report does not count the escalated case once:\n%s", text)
				}
			})
		}
	}
}
