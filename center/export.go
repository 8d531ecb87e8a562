package center

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/sfnt"

	"fengqiao/app"
	"fengqiao/assets"
	"fengqiao/printing/pdftext"
)

// MaxSheetRows is how many cases one 台账 sheet holds: an xlsx sheet has at most 1,048,576 rows,
// one of them the header. A larger export goes on in sheets 台账2, 台账3 ….
const MaxSheetRows = 1_048_575

// LedgerColumns are the columns of the 台账 sheet, as a township's 矛盾纠纷排查化解台账 keeps them.
var LedgerColumns = []string{"序号", "登记日期", "来源", "站点", "当事人", "纠纷类型", "纠纷简要情况", "调解组织", "调解员",
	"处置方式 / 转办单位", "调解结果", "结案日期", "是否上报", "回访日期", "回访情况", "网格"}

// exportLedger serves the 台账 of the visitor's scope, narrowed by ?site=ID and the opening
// dates ?from= and ?to= (YYYY-MM-DD, both inclusive). The cases go from the database into the
// workbook one at a time and the workbook out as it is zipped.
func (s *Server) exportLedger(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	f, msg := s.ledgerFilter(r, v)
	if msg != "" {
		s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", msg))
		return
	}
	cat, err := s.loadCatalogue(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	maps.DeleteFunc(cat.Sites, func(id int64, _ string) bool { return !f.Scope.Allows(id) || (f.Site != 0 && id != f.Site) })
	cat.Filter = sourceTitle(f.Sources)
	x, err := NewLedgerXLSX(cat, s.now(), MaxSheetRows)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	defer x.Close()
	if err := s.web.EachLedgerRow(ctx, f, x.Add); err != nil {
		s.pageFail(w, r, err)
		return
	}
	name := "ledger-" + s.now().In(s.loc).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := x.Finish(w); err != nil {
		s.log.ErrorContext(ctx, "send ledger xlsx", "err", err) // the reply has begun: nothing else to tell
	}
}

// ledgerFilter reads the export's site and period; a message in Chinese for what it cannot read.
func (s *Server) ledgerFilter(r *http.Request, v visit) (LedgerFilter, string) {
	q := r.URL.Query()
	f := LedgerFilter{Scope: v.User.Scope()}
	if site := q.Get("site"); site != "" {
		id, err := strconv.ParseInt(site, 10, 64)
		if err != nil || id <= 0 || !f.Scope.Allows(id) {
			return f, "无此站点。"
		}
		f.Site = id
	}
	srcs, err := ParseSource(q.Get("source"))
	if err != nil {
		return f, "无此来源。"
	}
	f.Sources = srcs
	for _, d := range []struct {
		name string
		at   *time.Time
		days int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if q.Get(d.name) == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, q.Get(d.name), s.loc)
		if err != nil {
			return f, "日期格式应为 YYYY-MM-DD。"
		}
		*d.at = t.AddDate(0, 0, d.days)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, "开始日期不能晚于结束日期。"
	}
	return f, ""
}

// LedgerXLSX is the 台账 workbook being written: a sheet 汇总 with the rates by site, category,
// service and month and the other services' figures, and sheets 台账 (台账2 …) with one row per
// case, masked names only. The case sheets are streamed (excelize's StreamWriter keeps them on
// disk, not in memory); 汇总 is written last, from the counts.
type LedgerXLSX struct {
	f         *excelize.File
	cat       Catalogue
	now       time.Time
	ledger    *LedgerBuilder
	sw        *excelize.StreamWriter
	sheets    int // case sheets begun
	row       int // data rows on the current sheet
	n         int // cases written
	sheetRows int
	bold      int
}

// NewLedgerXLSX starts a workbook of at most sheetRows cases a sheet (MaxSheetRows at most).
func NewLedgerXLSX(cat Catalogue, now time.Time, sheetRows int) (*LedgerXLSX, error) {
	x := &LedgerXLSX{f: excelize.NewFile(), cat: cat, now: now, ledger: NewLedgerBuilder(cat, now),
		sheetRows: min(max(sheetRows, 1), MaxSheetRows)}
	if err := x.f.SetSheetName("Sheet1", "汇总"); err != nil {
		return nil, fmt.Errorf("ledger xlsx: %w", err)
	}
	x.bold, _ = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	return x, nil
}

// Close removes the workbook's temporary files.
func (x *LedgerXLSX) Close() error { return x.f.Close() }

// Add writes a case, beginning a new sheet when the current one is full.
func (x *LedgerXLSX) Add(r LedgerRow) error {
	x.ledger.Add(r)
	if x.sw == nil || x.row == x.sheetRows {
		if err := x.newSheet(); err != nil {
			return err
		}
	}
	x.row++
	x.n++
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(x.cat.loc()).Format(time.DateOnly)
	}
	svc := x.cat.SiteService(r.Site, r.Service)
	kind := r.Category
	if !svc.IsDispute(r.Category) || kind == "" {
		kind = strings.Trim(svc.Name+" · "+r.Category, " ·")
	}
	result := ""
	switch {
	case r.Status == app.CaseClosed:
		result = r.Result.Label()
	case r.Status == app.CaseRejected:
		result = "不予受理"
	default:
		result = "办理中（" + r.Status.Label() + "）"
	}
	escalated := "否"
	if r.Escalated {
		escalated = "是（" + cmp.Or(x.cat.Sites[r.Site], "站点"+strconv.FormatInt(r.Site, 10)) + "上报）"
	}
	var follow string
	if r.LastFollow != nil {
		follow = day(r.LastFollow)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row+1)
	opened := r.OpenedAt
	if err := x.sw.SetRow(cell, []any{x.n, day(&opened), r.Source.Label() + "（" + svc.Name + "）", x.cat.OwnerName(r), r.MaskedName,
		kind, r.Summary, r.Unit, r.Mediator, Disposal(r.Handling, r.Department), result, day(r.ClosedAt), escalated,
		follow, r.FollowNote, r.Grid}); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	return nil
}

// Disposal is the 处置方式 / 转办单位 of a case: 调解, or 转办 with the department, whose name is
// the 承办单位 the tracking page shows (HandlingUnit).
func Disposal(handling, department string) string {
	switch handling {
	case app.HandlingMediation:
		return "调解"
	case app.HandlingReferral:
		return strings.TrimSuffix("转办："+department, "：")
	}
	return ""
}

func (x *LedgerXLSX) newSheet() error {
	if x.sw != nil {
		if err := x.sw.Flush(); err != nil {
			return fmt.Errorf("ledger xlsx: %w", err)
		}
	}
	x.sheets++
	name := "台账"
	if x.sheets > 1 {
		name = fmt.Sprintf("台账%d", x.sheets)
	}
	if _, err := x.f.NewSheet(name); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	x.sw, x.row = sw, 0
	sw.SetColWidth(1, 1, 7)
	sw.SetColWidth(2, len(LedgerColumns), 14)
	sw.SetColWidth(7, 7, 36)
	header := make([]any, len(LedgerColumns))
	for i, c := range LedgerColumns {
		header[i] = c
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: x.bold}); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	return nil
}

// Finish finishes the workbook (the summary sheet, a 台账 sheet even with no case) and writes it.
func (x *LedgerXLSX) Finish(w io.Writer) error {
	if x.sw == nil {
		if err := x.newSheet(); err != nil {
			return err
		}
	}
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	x.summary()
	if _, err := x.f.WriteTo(w); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	return nil
}

// summary writes the sheet 汇总.
func (x *LedgerXLSX) summary() {
	const sum = "汇总"
	f, l := x.f, x.ledger.Ledger()
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	line := 1
	put := func(style int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, line)
		f.SetSheetRow(sum, cell, &vals)
		if style != 0 {
			last, _ := excelize.CoordinatesToCellName(len(vals), line)
			f.SetCellStyle(sum, cell, last, style)
		}
		line++
	}
	put(x.bold, "矛盾纠纷台账", "截至 "+x.now.In(x.cat.loc()).Format("2006-01-02 15:04"), fmt.Sprintf("共 %d 件事项", x.n), x.cat.Filter)
	put(0, x.cat.AsOf())
	line++
	for _, part := range []struct {
		title string
		rates []Rate
	}{{"合计", []Rate{l.Total}}, {"按站点", l.BySite}, {"按类别", l.ByCategory}, {"按事项", l.ByService}, {"按月份", l.ByMonth},
		{"上报事项（按上报站点）", l.EscalatedByOrigin}, {"上报事项（按当前办理）", l.EscalatedByOwner},
		{"按来源", l.BySource}, {"按网格", l.ByGrid}} {
		put(x.bold, part.title, "受理", "已化解", "化解率")
		for _, r := range part.rates {
			var rate any = "—"
			if r.Registered > 0 {
				rate = float64(r.BasisPoints()) / 10000
			}
			put(0, r.Label, r.Registered, r.Resolved, rate)
			c, _ := excelize.CoordinatesToCellName(4, line-1)
			f.SetCellStyle(sum, c, c, pct)
		}
		line++
	}
	put(x.bold, "其他事项（不计入矛盾纠纷）", "受理", "办结", "办理中", "超期")
	for _, o := range l.Others {
		put(0, o.Label, o.Registered, o.Closed, o.Open, o.Late)
	}
	f.SetColWidth(sum, "A", "A", 28)
}

// exportReport serves the monthly report of ?month=YYYY-MM, this month by default.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	month := cmp.Or(r.URL.Query().Get("month"), s.now().In(s.loc).Format("2006-01"))
	if _, err := time.Parse("2006-01", month); err != nil {
		s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", "月份格式应为 YYYY-MM。"))
		return
	}
	sources, err := ParseSource(r.URL.Query().Get("source"))
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", "无此来源。"))
		return
	}
	cat, rows, err := s.ledgerRows(ctx, v.User.Scope())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	rows = FilterSources(rows, sources)
	cat.Filter = sourceTitle(sources)
	title := s.centre
	if !v.User.Scope().All() {
		title = v.User.ScopeName()
	}
	var buf bytes.Buffer
	if err := WriteMonthlyPDF(&buf, title, month, rows, cat, s.now()); err != nil {
		s.pageFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="report-`+month+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// WriteMonthlyPDF writes the monthly report (月报) of the cases opened in month (YYYY-MM): the
// month's figures and rates by site, category and service, with the year to date beside them.
// It uses the receipts' fonts: assets.CJKFont, and for names holding rare characters
// assets.FallbackFont (CJK Extension A) and assets.RareFont (Extensions B–F, drawn as images).
func WriteMonthlyPDF(w io.Writer, centre, month string, rows []LedgerRow, cat Catalogue, now time.Time) error {
	loc := cat.loc()
	m, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	var ytd []LedgerRow
	for _, r := range rows {
		if t := r.OpenedAt.In(loc); t.Year() == m.Year() && t.Month() <= m.Month() {
			ytd = append(ytd, r)
		}
	}
	ml := BuildLedger(MonthRows(rows, month, loc), cat, now)
	yl := BuildLedger(ytd, cat, now)

	pdf := gofpdf.New("P", "mm", "A4", "")
	tw, err := reportWriter(pdf)
	if err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	pdf.SetTitle(fmt.Sprintf("%s 矛盾纠纷月报 %s", centre, month), true)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddPage()
	tw.Cell(0, 10, fmt.Sprintf("%s 矛盾纠纷化解月报", centre), 18, "", 1, "C", false)
	pdf.SetFont("cjk", "", 11)
	pdf.SetTextColor(82, 96, 109)
	pdf.CellFormat(0, 7, strings.TrimSuffix(fmt.Sprintf("%d年%d月（按登记月份统计） · 生成于 %s · %s", m.Year(), m.Month(),
		now.In(loc).Format("2006-01-02 15:04"), cat.Filter), " · "), "", 1, "C", false, 0, "")
	if asOf := cat.AsOf(); asOf != "" {
		tw.Cell(0, 6, asOf, 9, "", 1, "C", false) // a site's name: may hold rare characters
	}
	pdf.Ln(4)

	// Headline figures.
	pdf.SetTextColor(31, 41, 51)
	kpis := []struct{ label, value string }{
		{"本月受理", fmt.Sprint(ml.Total.Registered)}, {"本月已化解", fmt.Sprint(ml.Total.Resolved)},
		{"本月化解率", ml.Total.Percent()}, {"年度累计化解率", yl.Total.Percent()},
	}
	bw := (210.0 - 36 - 3*4) / 4
	y := pdf.GetY()
	for i, k := range kpis {
		x := 18 + float64(i)*(bw+4)
		pdf.SetFillColor(242, 244, 247)
		pdf.Rect(x, y, bw, 20, "F")
		pdf.SetXY(x, y+2)
		pdf.SetFont("cjk", "", 16)
		pdf.SetTextColor(29, 78, 137)
		pdf.CellFormat(bw, 9, k.value, "", 2, "C", false, 0, "")
		pdf.SetFont("cjk", "", 9)
		pdf.SetTextColor(82, 96, 109)
		pdf.CellFormat(bw, 6, k.label, "", 0, "C", false, 0, "")
	}
	pdf.SetXY(18, y+26)
	pdf.SetTextColor(31, 41, 51)

	table := func(title string, month, year []Rate) {
		pdf.SetFont("cjk", "", 12)
		pdf.CellFormat(0, 8, title, "", 1, "L", false, 0, "")
		pdf.SetFont("cjk", "", 9)
		cols := []float64{58, 20, 20, 22, 20, 20, 22}
		head := []string{"", "本月受理", "本月化解", "本月化解率", "年度受理", "年度化解", "年度化解率"}
		pdf.SetFillColor(248, 250, 252)
		for i, h := range head {
			pdf.CellFormat(cols[i], 7, h, "B", 0, map[bool]string{true: "L", false: "R"}[i == 0], true, 0, "")
		}
		pdf.Ln(-1)
		byKey := map[string]Rate{}
		for _, r := range month {
			byKey[r.Key] = r
		}
		for _, yr := range year {
			mr := byKey[yr.Key]
			cells := []string{yr.Label, fmt.Sprint(mr.Registered), fmt.Sprint(mr.Resolved), mr.Percent(),
				fmt.Sprint(yr.Registered), fmt.Sprint(yr.Resolved), yr.Percent()}
			tw.Cell(cols[0], 6, cells[0], 9, "B", 0, "L", false) // a name: may hold rare characters
			for i, c := range cells[1:] {
				pdf.CellFormat(cols[i+1], 6, c, "B", 0, "R", false, 0, "")
			}
			pdf.Ln(-1)
		}
		pdf.Ln(4)
	}
	table("按站点", ml.BySite, yl.BySite)
	if yl.Escalated.Registered > 0 {
		pdf.SetFont("cjk", "", 8)
		pdf.SetTextColor(82, 96, 109)
		pdf.MultiCell(0, 5, fmt.Sprintf("上报事项：本月 %d 件，年度 %d 件，已计入上报站点，每件只计一次；以下按上报站点和当前办理单位各列一次。",
			ml.Escalated.Registered, yl.Escalated.Registered), "", "L", false)
		pdf.SetTextColor(31, 41, 51)
		table("上报事项（按上报站点）", ml.EscalatedByOrigin, yl.EscalatedByOrigin)
		table("上报事项（按当前办理）", ml.EscalatedByOwner, yl.EscalatedByOwner)
	}

	// Bars of the year's rate by site.
	pdf.SetFont("cjk", "", 12)
	pdf.CellFormat(0, 8, "年度化解率（按站点）", "", 1, "L", false, 0, "")
	pdf.SetFont("cjk", "", 8)
	for _, r := range yl.BySite {
		if pdf.GetY() > 270 {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.SetXY(18, y)
		tw.Cell(40, 5, r.Label, 8, "", 0, "R", false)
		width := 110 * float64(r.BasisPoints()) / 10000
		pdf.SetFillColor(29, 78, 137)
		if r.BasisPoints() >= 9000 {
			pdf.SetFillColor(30, 123, 58)
		}
		pdf.Rect(60, y+0.8, width, 3.6, "F")
		pdf.SetXY(60+width+2, y)
		pdf.CellFormat(20, 5, r.Percent(), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	table("按来源", ml.BySource, yl.BySource)
	if len(yl.ByGrid) > 0 {
		table("按网格", ml.ByGrid, yl.ByGrid)
	}
	table("按类别", ml.ByCategory, yl.ByCategory)
	table("按事项", ml.ByService, yl.ByService)
	pdf.SetFont("cjk", "", 8)
	pdf.SetTextColor(82, 96, 109)
	pdf.MultiCell(0, 5, "受理：已受理（含此后各环节）的事项，不含不予受理与待受理。已化解：结案且结果为已化解。化解率＝已化解÷受理，保留两位小数。"+
		fmt.Sprintf("截至生成时本范围内超期未结 %d 件。", len(yl.Overdue)), "", "L", false)
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	return nil
}

// reportWriter adds the report fonts to pdf and returns a writer that falls back from one to the
// next: "cjk" (assets.CJKFont) for everything it has, "ext" (assets.FallbackFont) for CJK
// Extension A, and assets.RareFont's glyphs as images beyond the BMP, which gofpdf cannot address.
func reportWriter(pdf *gofpdf.Fpdf) (*pdftext.Writer, error) {
	faces := []pdftext.Face{{Family: "cjk"}, {Family: "ext"}, {}}
	for i, ttf := range [][]byte{assets.CJKFont, assets.FallbackFont, assets.RareFont} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %d: %w", i, err)
		}
		faces[i].Font = f
		if faces[i].Family != "" {
			pdf.AddUTF8FontFromBytes(faces[i].Family, "", ttf)
		}
	}
	return pdftext.New(pdf, faces...)
}
