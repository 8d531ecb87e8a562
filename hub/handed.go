package hub

import (
	"context"
	"net/http"
	"strconv"

	"fengqiao/app"
)

// handedLister lists the cases the centre handed to the hall: store.Hall.
type handedLister interface {
	HandedCases(ctx context.Context, limit int) ([]app.Case, error)
}

// defaultHanded is how many handed cases GET /api/v1/cases/handed returns without ?limit.
const defaultHanded = 100

// handedCases answers GET /api/v1/cases/handed: the cases the centre handed to this hall to work
// (镇级受理案件), open ones first, visitors masked.
func (s *Server) handedCases(w http.ResponseWriter, r *http.Request) error {
	hl, ok := s.hall.(handedLister)
	if !ok {
		return app.Errorf(app.ENOTFOUND, "this hub holds no cases handed over by the centre")
	}
	limit := defaultHanded
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return app.Errorf(app.EINVALID, "limit must be 1 to 500")
		}
		limit = n
	}
	cases, err := hl.HandedCases(r.Context(), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cases)
}

// HandedCases returns the cases the centre handed to the hall, open ones first.
func (c *Client) HandedCases(ctx context.Context) ([]app.Case, error) {
	var cases []app.Case
	_, err := c.do(ctx, http.MethodGet, "/api/v1/cases/handed", nil, &cases)
	return cases, err
}
