package center_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// storeWithSite opens the centre's store at dsn with one hall, 城关镇, and returns its token.
func storeWithSite(t *testing.T, dsn string) (*sqlstore.Store, center.Site, string) {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	token, hash := center.NewToken()
	site, err := s.AddSite(context.Background(), "城关镇", hash)
	if err != nil {
		t.Fatal(err)
	}
	return s, site, token
}

func TestAPIRefusesBadRequestsWhole(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, site, siteToken := storeWithSite(t, b.DSN(t))
			userToken, uhash := center.NewToken()
			if err := s.AddUser(ctx, "李四", uhash, time.Time{}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(center.NewServer(s, nil))
			defer srv.Close()

			h := centertest.NewHall(t)
			tk, err := h.Issue(ctx, app.IssueRequest{Service: "legal", Visitor: &app.Visitor{IDNumber: centertest.IDNumber(1)}})
			if err != nil {
				t.Fatal(err)
			}
			good, _ := json.Marshal(wire.PushRequest{Events: centertest.Outbox(t, h.DB(), 0)})
			spoilt := centertest.Outbox(t, h.DB(), 0)
			spoilt[1].Kind = ""
			bad, _ := json.Marshal(wire.PushRequest{Events: spoilt})

			tests := []struct {
				name, method, path, token, body string
				status                          int
				code                            string
			}{
				{"no token", "POST", "/api/v1/sync/events", "", string(good), 401, app.EUNAUTHORIZED},
				{"unknown token", "POST", "/api/v1/sync/events", "nope", string(good), 401, app.EUNAUTHORIZED},
				{"user token on sync", "POST", "/api/v1/sync/events", userToken, string(good), 403, app.EFORBIDDEN},
				{"site token on cases", "GET", "/api/v1/cases/" + tk.CaseCode, siteToken, "", 403, app.EFORBIDDEN},
				{"malformed batch", "POST", "/api/v1/sync/events", siteToken, string(bad), 400, app.EINVALID},
				{"not JSON", "POST", "/api/v1/sync/events", siteToken, `{"events": [`, 400, app.EINVALID},
				{"unknown field", "POST", "/api/v1/sync/events", siteToken, `{"evnts": []}`, 400, app.EINVALID},
				{"bad cursor", "GET", "/api/v1/sync/changes?after=x", siteToken, "", 400, app.EINVALID},
				{"good batch", "POST", "/api/v1/sync/events", siteToken, string(good), 200, ""},
				{"centre may not change a hall case", "POST", "/api/v1/cases/" + tk.CaseCode + "/changes", userToken,
					`{"status": "accepted"}`, 409, app.ENOTOWNER},
				{"follow-up by the centre", "POST", "/api/v1/cases/" + tk.CaseCode + "/followups", userToken,
					`{"note": "已电话联系"}`, 200, ""},
				{"changes for the hall", "GET", "/api/v1/sync/changes?after=0", siteToken, "", 200, ""},
			}
			for _, tt := range tests {
				req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
				if tt.token != "" {
					req.Header.Set("Authorization", "Bearer "+tt.token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Errorf("%s: status %d, want %d (%s)", tt.name, resp.StatusCode, tt.status, body)
					continue
				}
				if tt.code != "" {
					var e wire.ErrorReply
					if err := json.Unmarshal(body, &e); err != nil || e.Code != tt.code || e.Error == "" {
						t.Errorf("%s: body %s, want code %s", tt.name, body, tt.code)
					}
				}
				if tt.name == "malformed batch" {
					if st, _ := s.Stats(ctx, site.ID); st.Events != 0 {
						t.Errorf("malformed batch: %d events applied, want none", st.Events)
					}
				}
			}
			changes, err := s.Changes(ctx, site.ID, 0, 10)
			if err != nil || len(changes) != 1 || changes[0].Kind != wire.ChangeFollowUp || changes[0].By != "李四" {
				t.Errorf("changes = %+v, %v; want the user's follow-up", changes, err)
			}
		})
	}
}

// TestSiteTokenRotatedElsewhere rotates a hall's token in the database, as another node or the
// command line does, and checks that this node trusts the old token it checked for at most its
// time to live, while the new one works at once; and that a pull's time reaches the database.
func TestSiteTokenRotatedElsewhere(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, site, old := storeWithSite(t, b.DSN(t))
			t0 := time.Now()
			now := t0
			srv := httptest.NewServer(center.NewServer(s, nil, center.WithClock(func() time.Time { return now })))
			defer srv.Close()
			pull := func(token string) int {
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/sync/changes?after=0", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := pull(old); got != 200 {
				t.Fatalf("pull with the token: %d", got)
			}
			sites, err := s.Sites(ctx)
			if err != nil || len(sites) != 1 || sites[0].LastPullAt == nil {
				t.Fatalf("the pull is not recorded: %+v, %v", sites, err)
			}
			fresh, freshHash := center.NewToken()
			if err := s.RotateSiteToken(ctx, site.ID, freshHash, t0); err != nil { // no overlap
				t.Fatal(err)
			}
			for _, step := range []struct {
				after  time.Duration
				token  string
				status int
			}{
				{time.Second, fresh, 200},
				{5 * time.Second, old, 200}, // checked at t0: still trusted here
				{10 * time.Second, old, 401},
				{11 * time.Second, fresh, 200},
			} {
				now = t0.Add(step.after)
				if got := pull(step.token); got != step.status {
					t.Errorf("%s after the rotation, the %s token: %d, want %d", step.after,
						map[bool]string{true: "new", false: "old"}[step.token == fresh], got, step.status)
				}
			}
		})
	}
}
