package center

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// phoneRecordsShown is how many records of their grids the phone shows.
const phoneRecordsShown = 50

// OutboxDays is how long the phone keeps an unsent record before it drops it, with a notice.
const OutboxDays = 7

// DisputeType is a dispute type a 网格员 may choose: a dispute category of the village hall's
// catalogue.
type DisputeType struct {
	Service  string `json:"service"`
	Category string `json:"category"`
	Label    string `json:"label"`
}

type labelled struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// phoneMe is what the phone keeps of its user, for use offline too: no personal data of anyone else.
type phoneMe struct {
	Name       string                   `json:"name"`
	Role       Role                     `json:"role"`
	RoleLabel  string                   `json:"role_label"`
	CSRF       string                   `json:"csrf"`
	Grids      []WorkerGrid             `json:"grids"`
	Types      map[string][]DisputeType `json:"types"` // by village (site id)
	Risks      []labelled               `json:"risks"`
	Outcomes   []string                 `json:"outcomes"`
	MaxPhoto   int                      `json:"max_photo"`
	OutboxDays int                      `json:"outbox_days"`
}

func (s *Server) phoneMe(w http.ResponseWriter, r *http.Request, v visit) { s.writeMe(w, r, v) }

func (s *Server) writeMe(w http.ResponseWriter, r *http.Request, v visit) {
	grids, types, err := s.workerChoices(r, v.User)
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	me := phoneMe{Name: v.User.Name, Role: v.User.Role, RoleLabel: v.User.Role.Label(), CSRF: v.Session.CSRF, Grids: grids,
		Types: map[string][]DisputeType{}, Outcomes: FollowUpOutcomes, MaxPhoto: app.MaxDisputePhoto, OutboxDays: OutboxDays}
	for site, ts := range types {
		me.Types[strconv.FormatInt(site, 10)] = ts
	}
	for _, rk := range app.Risks {
		me.Risks = append(me.Risks, labelled{Value: string(rk), Label: rk.Label()})
	}
	phoneJSON(w, http.StatusOK, me)
}

// workerChoices returns the user's grids and the dispute types of their villages.
func (s *Server) workerChoices(r *http.Request, u User) ([]WorkerGrid, map[int64][]DisputeType, error) {
	grids, err := s.phone.WorkerGrids(r.Context(), u.ID)
	if err != nil {
		return nil, nil, err
	}
	sites, err := s.web.Sites(r.Context())
	if err != nil {
		return nil, nil, err
	}
	types := map[int64][]DisputeType{}
	for _, g := range grids {
		if _, done := types[g.Site]; done {
			continue
		}
		svcs := s.services
		for _, st := range sites {
			if st.ID == g.Site && st.Catalogue != nil {
				svcs = st.Catalogue.Services
			}
		}
		types[g.Site] = disputeTypes(svcs)
	}
	return grids, types, nil
}

// disputeTypes lists the dispute categories of a catalogue; a dispute service without categories
// is one type.
func disputeTypes(svcs []app.Service) []DisputeType {
	var out []DisputeType
	for _, sv := range svcs {
		if len(sv.Categories) == 0 && sv.Dispute {
			out = append(out, DisputeType{Service: sv.Code, Label: sv.Name})
		}
		for _, c := range sv.Categories {
			if sv.IsDispute(c) {
				out = append(out, DisputeType{Service: sv.Code, Category: c, Label: c})
			}
		}
	}
	return out
}

func (s *Server) phoneRecords(w http.ResponseWriter, r *http.Request, v visit) {
	recs, err := s.phone.GridRecords(r.Context(), v.User.ID, phoneRecordsShown)
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	type record struct {
		GridRecord
		StatusLabel string `json:"status_label"`
		RiskLabel   string `json:"risk_label"`
	}
	out := make([]record, 0, len(recs))
	for _, rec := range recs {
		out = append(out, record{GridRecord: rec, StatusLabel: rec.Status.Label(), RiskLabel: rec.Risk.Label()})
	}
	phoneJSON(w, http.StatusOK, map[string]any{"records": out})
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// phoneDispute registers a dispute from the phone's outbox: once per idempotency key.
func (s *Server) phoneDispute(w http.ResponseWriter, r *http.Request, v visit) {
	var d app.GridDispute
	if err := decodeBody(r, &d); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	grids, types, err := s.workerChoices(r, v.User)
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	if err := validDispute(d, grids, types, s.now()); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	c, created, err := s.phone.RegisterDispute(r.Context(), v.User, d, s.now())
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	if created {
		s.log.InfoContext(r.Context(), "grid dispute registered", "user", v.User.ID, "grid", d.Grid)
		s.audit(r, v, "grid.dispute", AuditEntry{Case: c.Code})
	}
	phoneJSON(w, http.StatusOK, map[string]any{"code": c.Code, "created": created, "status": c.Status.Label()})
}

// validDispute checks a dispute (app.GridDispute.Valid) against the user's grids and their
// villages' types, with a key the phone made (a random UUID) and a household or address. A record
// the phone made offline may be up to OutboxDays old.
func validDispute(d app.GridDispute, grids []WorkerGrid, types map[int64][]DisputeType, now time.Time) error {
	if err := d.Valid(); err != nil {
		return err
	}
	bad := func(what string) error { return app.Errorf(app.EINVALID, "dispute: %s", what) }
	if !uuidPattern.MatchString(d.Key) {
		return bad("the key must be a random UUID")
	}
	i := slices.IndexFunc(grids, func(g WorkerGrid) bool { return g.ID == d.Grid })
	if i < 0 {
		return app.Errorf(app.EFORBIDDEN, "dispute: not one of the user's grids")
	}
	if !slices.ContainsFunc(types[grids[i].Site], func(t DisputeType) bool { return t.Service == d.Service && t.Category == d.Category }) {
		return bad("the type is not a dispute category of the village")
	}
	if strings.TrimSpace(d.Place) == "" || ValidText("summary", d.Summary, 500) != nil {
		return bad("a household or address and a summary of up to 500 characters are required")
	}
	for _, p := range d.Parties {
		if ValidName(p.Name) != nil || ValidPhone(p.Phone) != nil {
			return bad("each party needs a name and a valid phone or none")
		}
	}
	if d.FoundAt.IsZero() || d.FoundAt.After(now.Add(time.Hour)) || d.FoundAt.Before(now.AddDate(0, 0, -OutboxDays-1)) {
		return bad("found_at must be within the outbox's days")
	}
	return nil
}
