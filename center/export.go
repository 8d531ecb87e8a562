package center

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/sfnt"

	"fengqiao/app"
	"fengqiao/assets"
	"fengqiao/printing/pdftext"
)

func (s *Server) exportLedger(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	cat, rows, err := s.ledgerRows(ctx, v)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := WriteLedgerXLSX(&buf, rows, cat, s.now()); err != nil {
		s.pageFail(w, r, err)
		return
	}
	name := "ledger-" + s.now().In(s.loc).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// WriteLedgerXLSX writes the ledger as a workbook: a sheet 汇总 with the rates by site, category,
// service and month, and a sheet 台账 with one row per case (masked names only).
func WriteLedgerXLSX(w io.Writer, rows []LedgerRow, cat Catalogue, now time.Time) error {
	l := BuildLedger(rows, cat, now)
	f := excelize.NewFile()
	defer f.Close()
	const sum = "汇总"
	if err := f.SetSheetName("Sheet1", sum); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	line := 1
	put := func(vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, line)
		f.SetSheetRow(sum, cell, &vals)
		line++
	}
	put("矛盾纠纷台账", "截至 "+now.In(cat.loc()).Format("2006-01-02 15:04"))
	f.SetCellStyle(sum, "A1", "A1", bold)
	line++
	for _, part := range []struct {
		title string
		rates []Rate
	}{{"合计", []Rate{l.Total}}, {"按站点", l.BySite}, {"按类别", l.ByCategory}, {"按事项", l.ByService}, {"按月份", l.ByMonth}} {
		put(part.title, "受理", "已化解", "化解率")
		first, _ := excelize.CoordinatesToCellName(1, line-1)
		last, _ := excelize.CoordinatesToCellName(4, line-1)
		f.SetCellStyle(sum, first, last, bold)
		for _, r := range part.rates {
			var rate any = "—"
			if r.Registered > 0 {
				rate = float64(r.BasisPoints()) / 10000
			}
			put(r.Label, r.Registered, r.Resolved, rate)
			c, _ := excelize.CoordinatesToCellName(4, line-1)
			f.SetCellStyle(sum, c, c, pct)
		}
		line++
	}
	f.SetColWidth(sum, "A", "A", 24)

	const ledger = "台账"
	if _, err := f.NewSheet(ledger); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(ledger)
	if err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	sw.SetColWidth(1, 1, 26)
	sw.SetColWidth(2, 12, 13)
	header := []any{"查询码", "站点", "事项", "类别", "当事人", "状态", "结果", "承办单位", "登记日期", "受理日期", "结案日期", "办结时限"}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(cat.loc()).Format(time.DateOnly)
	}
	for i, r := range rows {
		svc := cat.Service(r.Service)
		deadline := ""
		if d, ok := r.Deadline(svc); ok {
			deadline = day(&d)
		}
		opened := r.OpenedAt
		result := ""
		if r.Status == app.CaseClosed {
			result = r.Result.Label()
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r.Code, cat.Sites[r.Site], svc.Name, r.Category, r.MaskedName, r.Status.Label(),
			result, r.Unit, day(&opened), day(r.AcceptedAt), day(r.ClosedAt), deadline}); err != nil {
			return fmt.Errorf("ledger xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("ledger xlsx: %w", err)
	}
	return nil
}

func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	month := r.URL.Query().Get("month")
	if _, err := time.Parse("2006-01", month); err != nil {
		s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", "月份格式应为 YYYY-MM。"))
		return
	}
	cat, rows, err := s.ledgerRows(ctx, v)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	title := s.centre
	if v.User.SiteName != "" {
		title = v.User.SiteName
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
	pdf.CellFormat(0, 7, fmt.Sprintf("%d年%d月（按登记月份统计） · 生成于 %s", m.Year(), m.Month(),
		now.In(loc).Format("2006-01-02 15:04")), "", 1, "C", false, 0, "")
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
