package center_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fengqiao/center"
)

// maxChartFont and minChartFont bound the size, in CSS pixels, at which any chart text may be
// drawn: a chart must neither blow its text up (one month filled a card with "100%") nor shrink
// it out of reading.
const maxChartFont, minChartFont = 14, 9

// chartCheck runs in the page and lists every chart text that is drawn too large or too small,
// that leaves its chart or its label box (data-max-x), or that overlaps another text, and every
// card whose content is wider than the card.
const chartCheck = `(() => {
  const bad = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const vb = svg.viewBox.baseVal, sr = svg.getBoundingClientRect(), scale = sr.width / vb.width;
    const card = svg.closest('.card').getBoundingClientRect();
    if (sr.left < card.left - 0.5 || sr.right > card.right + 0.5) bad.push('chart wider than its card: ' + svg.getAttribute('aria-label'));
    const boxes = [];
    for (const t of svg.querySelectorAll('text')) {
      const name = t.textContent, fs = parseFloat(t.getAttribute('font-size')) * scale;
      if (fs > MAX || fs < MIN) bad.push('text drawn at ' + fs.toFixed(1) + 'px: ' + name);
      const bb = t.getBBox();
      if (bb.x < -0.5 || bb.y < -0.5 || bb.x + bb.width > vb.width + 0.5 || bb.y + bb.height > vb.height + 0.5)
        bad.push('text leaves its chart: ' + name + ' ' + JSON.stringify([bb.x, bb.y, bb.width, bb.height, vb.width, vb.height]));
      const mx = t.getAttribute('data-max-x');
      if (mx !== null && bb.x + bb.width > parseFloat(mx) + 0.5) bad.push('label leaves its box: ' + name);
      for (const o of boxes)
        if (bb.x < o.x + o.width - 0.5 && o.x < bb.x + bb.width - 0.5 && bb.y < o.y + o.height - 0.5 && o.y < bb.y + bb.height - 0.5)
          bad.push('texts overlap: ' + name + ' / ' + o.name);
      boxes.push({x: bb.x, y: bb.y, width: bb.width, height: bb.height, name});
    }
  }
  for (const c of document.querySelectorAll('.card'))
    if (c.scrollWidth > c.clientWidth + 1) bad.push('card content wider than the card: ' + c.querySelector('h2').textContent);
  return bad;
})()`

// chartSiteNames are site names of every length, the longest a real hall's.
var chartSiteNames = []string{"枫桥镇社会治理综合服务中心", "枫源村", "杜黄新村便民服务中心", "诸暨市枫桥镇骆家尖村综治工作站（第三网格）",
	"Fengqiao Town Service Station No. 12", "里宣村"}

// chartPage is the dashboard's chart cards with months of rates and sites, styled as the dashboard.
func chartPage(months, sites int) string {
	var byMonth, bySite []center.Rate
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range months {
		m := start.AddDate(0, i, 0).Format("2006-01")
		reg := 5 + i%7
		byMonth = append(byMonth, center.Rate{Key: m, Label: m, Registered: reg, Resolved: reg - i%3})
	}
	for i := range sites {
		name := fmt.Sprintf("%s%d", chartSiteNames[i%len(chartSiteNames)], i/len(chartSiteNames)+1)
		if sites == 1 {
			name = chartSiteNames[0]
		}
		bySite = append(bySite, center.Rate{Key: fmt.Sprint(i + 1), Label: name, Registered: 10 + i%5, Resolved: 10 - i%9})
	}
	var rows strings.Builder
	for _, r := range bySite {
		fmt.Fprintf(&rows, "<tr><td>%s</td><td class=num>%d</td><td class=num>%d</td><td class=num>%s</td></tr>",
			template.HTMLEscapeString(r.Label), r.Registered, r.Resolved, r.Percent())
	}
	return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>` + center.PageCSS() + `</style></head><body>
<main class="dash"><div class="grid2">
<section class="card"><h2>各站点化解率</h2><div class="chart-scroll">` + string(center.RateBars(bySite, "各站点化解率")) + `</div></section>
<section class="card"><h2>各月化解率</h2>` + string(center.MonthColumns(byMonth, "各月化解率")) + `</section>
<section class="card"><h2>按站点</h2><table><tr><th></th><th class="num">受理</th><th class="num">已化解</th><th class="num">化解率</th></tr>` +
		rows.String() + `</table></section></div></main></body></html>`
}

// TestChartsFit renders the charts at 1 month and 1 site, 12 and 12, 24 and 300 in headless
// Chromium at the dashboard's width and checks every text's drawn size and box.
func TestChartsFit(t *testing.T) {
	bin := chromium(t)
	if testing.Short() {
		t.Skip("browser test: not with -short")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel := context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	script := strings.NewReplacer("MAX", fmt.Sprint(maxChartFont), "MIN", fmt.Sprint(minChartFont)).Replace(chartCheck)
	for _, tc := range []struct{ months, sites int }{{1, 1}, {12, 12}, {24, 300}} {
		t.Run(fmt.Sprintf("%d months %d sites", tc.months, tc.sites), func(t *testing.T) {
			page := chartPage(tc.months, tc.sites)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, page)
			}))
			defer srv.Close()
			if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL)); err != nil {
				t.Fatal(err)
			}
			texts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.chart text').length`))
			if err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](script))
			if err != nil {
				t.Fatal(err)
			}
			if texts < tc.sites+3 {
				t.Fatalf("only %d chart texts drawn", texts)
			}
			for _, b := range bad[:min(len(bad), 20)] {
				t.Error(b)
			}
			shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("centre-charts-%dx%d.png", tc.months, tc.sites)
			if err := os.WriteFile(filepath.Join(screenshotDir(t), name), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}
