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

// Chart text sizes in CSS pixels. Every chart is drawn at its natural size (width and height
// in pixels, never stretched to the card), so its text keeps these sizes from 1 to 24 months and
// from 1 to 300 sites; the browser test checks that none is larger and none leaves its box.
const (
	labelSize = 13 // site names
	valueSize = 12 // rates beside the bars
	tickSize  = 11 // axes, months
	smallSize = 10 // values over columns, years
)

// RateBars draws one horizontal bar per rate, its length the resolution rate. A long label wraps
// onto a second line and is shortened with "…" beyond it; the whole label is the tooltip of the
// row (and stands in full in the tables).
func RateBars(rates []Rate, title string) template.HTML {
	if len(rates) == 0 {
		return `<p class="empty">暂无数据</p>`
	}
	const labelW, barW, valueW, line = 190, 270, 64, 16
	type row struct {
		r     Rate
		lines []string
		y, h  int
	}
	rows := make([]row, len(rates))
	y := 0
	for i, r := range rates {
		lines := fitText(r.Label, labelW-10, labelSize, 2)
		h := 10 + line*len(lines)
		rows[i] = row{r, lines, y, h}
		y += h
	}
	w, h := labelW+barW+valueW, y+20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), w, h, w, h)
	for _, pct := range []int{0, 50, 100} {
		x := labelW + barW*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="%d" stroke="%s"/>`, x, x, h-18, chartGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="%s">%d%%</text>`, x, h-5, tickSize, chartText,
			map[int]string{0: "start", 50: "middle", 100: "end"}[pct], pct)
	}
	for _, rw := range rows {
		r := rw.r
		tip := fmt.Sprintf("%s %s（%d/%d）", r.Label, r.Percent(), r.Resolved, r.Registered)
		fmt.Fprintf(&b, `<g><title>%s</title>`, html.EscapeString(tip))
		first := rw.y + rw.h/2 + 5 - line*(len(rw.lines)-1)/2
		fmt.Fprintf(&b, `<text class="lbl" data-max-x="%d" x="%d" y="%d" font-size="%d" fill="#1f2933" text-anchor="end">`,
			labelW-2, labelW-8, first, labelSize)
		for i, l := range rw.lines {
			fmt.Fprintf(&b, `<tspan x="%d" dy="%d">%s</tspan>`, labelW-8, line*min(i, 1), html.EscapeString(l))
		}
		b.WriteString(`</text>`)
		bw := float64(barW) * float64(r.BasisPoints()) / 10000
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="14" rx="2" fill="%s"/>`, labelW, rw.y+rw.h/2-7, bw, rateColour(r))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s">%s</text></g>`, labelW+barW+6, rw.y+rw.h/2+4,
			valueSize, chartText, r.Percent())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// MonthColumns draws one column per month, its height the resolution rate. Columns narrow as
// months are added (24 fit the card); values over the columns and month names are left out
// where they would not fit, and every column's tooltip holds its month and figures.
func MonthColumns(rates []Rate, title string) template.HTML {
	if len(rates) == 0 {
		return `<p class="empty">暂无数据</p>`
	}
	const left, plotH, top, plotW = 40, 180, 18, 480
	colW := min(max(plotW/len(rates), 16), 56)
	barW := min(colW*3/5, 32)
	w, h := left+colW*len(rates)+8, top+plotH+40
	every := 1 // a month name every so many columns: "12月" needs 30 px
	for colW*every < 30 {
		every++
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), w, h, w, h)
	for _, pct := range []int{0, 50, 100} {
		y := top + plotH - plotH*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, y, w-4, y, chartGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="end">%d%%</text>`, left-4, y+4, tickSize, chartText, pct)
	}
	for i, r := range rates {
		x := left + i*colW + (colW-barW)/2
		mid := x + barW/2
		bh := float64(plotH) * float64(r.BasisPoints()) / 10000
		y := float64(top+plotH) - bh
		fmt.Fprintf(&b, `<g><title>%s %s（%d/%d）</title>`, html.EscapeString(r.Label), r.Percent(), r.Resolved, r.Registered)
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" rx="2" fill="%s"/>`, x, y, barW, bh, rateColour(r))
		if colW >= 30 {
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="%d" fill="%s" text-anchor="middle">%d</text>`,
				mid, max(y-3, float64(top)-4), smallSize, chartText, r.BasisPoints()/100)
		}
		month, year := r.Label, ""
		if len(month) == 7 {
			month, year = strings.TrimPrefix(month[5:], "0")+"月", month[:4]
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="middle">%s</text>`,
				mid, top+plotH+16, tickSize, chartText, html.EscapeString(month))
		}
		if year != "" && (i == 0 || strings.HasSuffix(r.Label, "-01")) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="%s" text-anchor="%s">%s</text>`,
				max(mid, left+12), top+plotH+30, smallSize, chartText, "middle", year)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// fitText breaks s into at most lines lines of at most width pixels at the font size, and
// shortens the last with "…" when s does not fit.
func fitText(s string, width, size float64, lines int) []string {
	var out []string
	var cur []rune
	curW := 0.0
	for _, r := range s {
		rw := runeWidth(r, size)
		if curW+rw > width && len(cur) > 0 {
			out = append(out, string(cur))
			cur, curW = nil, 0
		}
		cur = append(cur, r)
		curW += rw
	}
	out = append(out, string(cur))
	if len(out) <= lines {
		return out
	}
	last := []rune(out[lines-1])
	w := 0.0
	for _, r := range last {
		w += runeWidth(r, size)
	}
	for len(last) > 0 && w+size > width {
		w -= runeWidth(last[len(last)-1], size)
		last = last[:len(last)-1]
	}
	out[lines-1] = string(last) + "…"
	return out[:lines]
}

// runeWidth estimates a character's advance: a full em for CJK and other wide characters,
// 0.62 em for the rest (Latin letters, digits), a little over what the fonts draw.
func runeWidth(r rune, size float64) float64 {
	if r < 0x1100 {
		return 0.62 * size
	}
	return size
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
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="好差评分布" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		w, h, w, h)
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
