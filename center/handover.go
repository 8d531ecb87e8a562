package center

import (
	"net/http"

	"fengqiao/app"
)

// HandoverRequest is the body of POST /api/v1/cases/{code}/handover: the site (hall) to hand the
// case to, by its name, e.g. the town hall (镇级受理).
type HandoverRequest struct {
	Site string `json:"site"`
}

// handover hands a case the centre owns to a site to work it (Store.Handover); the author is the
// token's user. See docs/sync.md, "Who owns a case".
func (s *Server) handover(w http.ResponseWriter, r *http.Request, v visit) {
	var req HandoverRequest
	if err := decodeBody(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Site == "" {
		s.fail(w, r, app.Errorf(app.EINVALID, "site names the hall to hand the case to"))
		return
	}
	code, site, err := s.scopedCase(r, v.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.handoverInScope(r, v.User, req.Site); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.Handover(r.Context(), code, req.Site, v.User.Name)
	if err == nil {
		s.audit(r, v, "case.handover", AuditEntry{Case: code, Site: site})
	}
	s.reply(w, r, c, err)
}

// handoverInScope refuses a scoped user's handover to a hall outside their scope, as the store
// refuses a hall it does not know.
func (s *Server) handoverInScope(r *http.Request, u User, siteName string) error {
	if u.Scope().All() {
		return nil
	}
	sites, err := s.web.Sites(r.Context())
	if err != nil {
		return err
	}
	for _, st := range sites {
		if st.Name == siteName && u.Scope().Allows(st.ID) {
			return nil
		}
	}
	return app.Errorf(app.EINVALID, "no site named %q", siteName)
}
