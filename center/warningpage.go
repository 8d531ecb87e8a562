package center

import (
	"html/template"
	"net/http"
	"strconv"
)

type warningPage struct {
	page
	Warning   Warning
	Weeks     int
	Chart     template.HTML
	Repeats   []RepeatVisitor
	Hashing   bool // repeat visitors are matched (the centre has its ID key)
	WeekLabel []string
}

// warningPage serves 信息研判 for the visitor's scope: ?weeks=N (MinWarningWeeks to
// MaxWarningWeeks, DefaultWarningWeeks by default).
func (s *Server) warningPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	weeks := DefaultWarningWeeks
	if q := r.URL.Query().Get("weeks"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < MinWarningWeeks || n > MaxWarningWeeks {
			s.render(w, r, http.StatusBadRequest, "error", s.page(r, v, "", "周数应为 5 至 26。"))
			return
		}
		weeks = n
	}
	cat, rows, err := s.ledgerRows(ctx, v.User.Scope())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	repeats, err := s.web.RepeatCases(ctx, v.User.Scope())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	wn := BuildWarning(rows, cat, s.now(), weeks, s.groupParties)
	p := warningPage{page: s.page(r, v, "warning", ""), Warning: wn, Weeks: weeks, Hashing: s.hashing,
		Chart: WeekColumns(wn.Total, wn.Weeks, "每周矛盾纠纷（件）"), Repeats: RepeatVisitors(repeats)}
	for _, t := range wn.Weeks {
		p.WeekLabel = append(p.WeekLabel, t.Format("1/2"))
	}
	p.sites, p.cat = cat.Sites, &cat
	s.render(w, r, http.StatusOK, "warning", p)
}
