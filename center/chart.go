package center

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"fengqiao/app"
)

// Charts are drawn on the server as inline SVG: no script, and they print.

const (
	chartBar  = "#1d4e89"
	chartGood = "#1e7b3a"
	chartBad  = "#b42318"
	chartGrid = "#e4e7eb"
	chartText = "#52606d"
)

// RateBars draws one horizontal bar per rate, its length the resolution rate.
func RateBars(rates []Rate, title string) template.HTML {
	if len(rates) == 0 {
		return `<p class="empty">暂无数据</p>`
	}
	const labelW, barW, row, valueW = 130, 300, 26, 70
	w, h := labelW+barW+valueW, row*len(rates)+24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), w, h)
	for _, pct := range []int{0, 50, 100} {
		x := labelW + barW*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="%d" stroke="%s"/>`, x, x, h-18, chartGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="middle">%d%%</text>`, x, h-4, chartText, pct)
	}
	for i, r := range rates {
		y := i * row
		bw := float64(barW) * float64(r.BasisPoints()) / 10000
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="#1f2933" text-anchor="end">%s</text>`,
			labelW-8, y+17, html.EscapeString(r.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="16" rx="2" fill="%s"><title>%s %s（%d/%d）</title></rect>`,
			labelW, y+5, bw, rateColour(r), html.EscapeString(r.Label), r.Percent(), r.Resolved, r.Registered)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s">%s</text>`, labelW+barW+6, y+17, chartText, r.Percent())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// MonthColumns draws one column per month, its height the resolution rate.
func MonthColumns(rates []Rate, title string) template.HTML {
	if len(rates) == 0 {
		return `<p class="empty">暂无数据</p>`
	}
	const left, plotH, top, colW = 34, 180, 18, 36
	w, h := left+colW*len(rates)+8, top+plotH+40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), w, h)
	for _, pct := range []int{0, 50, 100} {
		y := top + plotH - plotH*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, y, w-4, y, chartGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="end">%d%%</text>`, left-4, y+4, chartText, pct)
	}
	for i, r := range rates {
		x := left + i*colW + 6
		bh := float64(plotH) * float64(r.BasisPoints()) / 10000
		y := float64(top+plotH) - bh
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" rx="2" fill="%s"><title>%s %s（%d/%d）</title></rect>`,
			x, y, colW-12, bh, rateColour(r), html.EscapeString(r.Label), r.Percent(), r.Resolved, r.Registered)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" fill="%s" text-anchor="middle">%d</text>`,
			x+(colW-12)/2, y-3, chartText, r.BasisPoints()/100)
		month := r.Label
		if len(month) == 7 {
			month = strings.TrimPrefix(month[5:], "0") + "月"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="middle">%s</text>`,
			x+(colW-12)/2, top+plotH+16, chartText, html.EscapeString(month))
		if i == 0 || strings.HasSuffix(r.Label, "-01") {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="%s" text-anchor="middle">%s</text>`,
				x+(colW-12)/2, top+plotH+30, chartText, html.EscapeString(r.Label[:min(4, len(r.Label))]))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func rateColour(r Rate) string {
	switch bp := r.BasisPoints(); {
	case bp >= 9000:
		return chartGood
	case bp < 7000:
		return chartBad
	}
	return chartBar
}

// ScoreBars draws the distribution of ratings (好差评) by score, best first.
func ScoreBars(ratings []RatingRow) template.HTML {
	counts := map[app.Score]int{}
	for _, r := range ratings {
		counts[r.Score]++
	}
	const labelW, barW, row, valueW = 90, 300, 28, 90
	w, h := labelW+barW+valueW, row*len(app.Scores)+4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-label="好差评分布" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for i, sc := range app.Scores {
		y, n := i*row, counts[sc]
		bw := float64(barW) * float64(n) / float64(len(ratings))
		colour := chartBar
		if sc.Flagged() {
			colour = chartBad
		} else if sc >= app.Satisfied {
			colour = chartGood
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="#1f2933" text-anchor="end">%s</text>`, labelW-8, y+18, sc.Label())
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" rx="2" fill="%s"/>`, labelW, y+5, bw, colour)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s">%d（%.1f%%）</text>`, labelW+barW+6, y+18, chartText,
			n, 100*float64(n)/float64(len(ratings)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
