package center

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"fengqiao/app"
)

// Satisfaction is the satisfaction rate (满意度) of a group of ratings: those 满意 or better of
// all ratings given.
type Satisfaction struct {
	Key, Label string
	Rated      int
	Satisfied  int // 满意 or 非常满意
	Bad        int // 不满意 or 非常不满意
}

// Percent returns the rate with one decimal, as 91.3%; "—" when nothing was rated.
func (s Satisfaction) Percent() string {
	if s.Rated == 0 {
		return "—"
	}
	tenths := (s.Satisfied*2000 + s.Rated) / (2 * s.Rated)
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// SatisfactionBy groups ratings by key (a site, a window, a staff member) and returns each
// group's satisfaction in key order; label names a key.
func SatisfactionBy(ratings []RatingRow, key func(RatingRow) string, label func(RatingRow) string) []Satisfaction {
	m := map[string]*Satisfaction{}
	for _, r := range ratings {
		k := key(r)
		x := m[k]
		if x == nil {
			x = &Satisfaction{Key: k, Label: label(r)}
			m[k] = x
		}
		x.Rated++
		if r.Score >= app.Satisfied {
			x.Satisfied++
		}
		if r.Score.Flagged() {
			x.Bad++
		}
	}
	out := make([]Satisfaction, 0, len(m))
	for _, x := range m {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b Satisfaction) int {
		return cmp.Or(cmp.Compare(len(a.Key), len(b.Key)), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// satisfactionBySite returns the satisfaction of each site by its id as text, the key of
// Ledger.BySite.
func satisfactionBySite(ratings []RatingRow, sites map[int64]string) map[string]Satisfaction {
	out := map[string]Satisfaction{}
	for _, s := range SatisfactionBy(ratings, func(r RatingRow) string { return fmt.Sprint(r.Site) },
		func(r RatingRow) string { return sites[r.Site] }) {
		out[s.Key] = s
	}
	return out
}

// SatisfactionCounter is a store that sums ratings where they are kept, so that a page showing
// each site's satisfaction reads a row a site, not every rating ever given.
type SatisfactionCounter interface {
	// SiteSatisfaction returns the satisfaction over all ratings of each site of the scope that
	// was rated, in site id order: Key is the site's id as text, Label is empty.
	SiteSatisfaction(ctx context.Context, scope Scope) ([]Satisfaction, error)
}

// siteSatisfaction returns the satisfaction of each site of the scope as satisfactionBySite does:
// summed by the store when it can (SatisfactionCounter), else from every rating.
func (s *Server) siteSatisfaction(ctx context.Context, scope Scope, sites map[int64]string) (map[string]Satisfaction, error) {
	sc, ok := s.web.(SatisfactionCounter)
	if !ok {
		ratings, err := s.web.Ratings(ctx, scope, time.Time{})
		return satisfactionBySite(ratings, sites), err
	}
	sums, err := sc.SiteSatisfaction(ctx, scope)
	out := make(map[string]Satisfaction, len(sums))
	for _, x := range sums {
		id, _ := strconv.ParseInt(x.Key, 10, 64)
		x.Label = sites[id]
		out[x.Key] = x
	}
	return out, err
}

// RatingFollowUp is a follow-up (回访) of a bad rating, recorded at the centre.
type RatingFollowUp struct {
	At     time.Time
	By     string
	Result string // one of FollowUpOutcomes
	Note   string
}

// RatingFollowUpStore records the follow-ups of ratings.
type RatingFollowUpStore interface {
	// AddRatingFollowUp records a follow-up of a site's rating and returns the rating's case code
	// ("" when the rating has no case), or an ENOTFOUND error for a rating it does not hold.
	AddRatingFollowUp(ctx context.Context, site, rating int64, f RatingFollowUp) (caseCode string, err error)
}
