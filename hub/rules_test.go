package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
)

// principal is one kind of caller the rule walk tries on every route.
type principal struct {
	name    string
	token   string
	session func(t *testing.T, srv *httptest.Server) string // nil: no session header
	other   bool                                            // acts on window 2 and its case, with window 1's session
}

var principals = []principal{
	{name: "none"},
	{name: "wrong token", token: "wrong-token-000000000"},
	{name: "kiosk", token: kiosk},
	{name: "window without session", token: window},
	{name: "window 1 acting on window 2", token: window, other: true,
		session: func(t *testing.T, srv *httptest.Server) string { return signIn(t, srv, 1, "王芳") }},
	{name: "window with its own session", token: window,
		session: func(t *testing.T, srv *httptest.Server) string { return signIn(t, srv, 1, "王芳") }},
	{name: "display", token: display},
	{name: "rating", token: rating},
	{name: "signed-out session", token: window, session: func(t *testing.T, srv *httptest.Server) string {
		s := signIn(t, srv, 1, "王芳")
		if r := call(t, srv, "POST", "/api/v1/staff/sign-out", window, "", hub.SessionHeader, s); r.status != 204 {
			t.Fatalf("sign out: %d %s", r.status, r.body)
		}
		return s
	}},
}

// calledHall is a hub where window 1 and window 2 each have a called ticket with its case, and
// one help alert is open.
func calledHall(t *testing.T) (srv *httptest.Server, cases [3]string) {
	srv, _ = newHub(t)
	lead := signIn(t, srv, 1, "组长")
	for w := 1; w <= 2; w++ {
		r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal"}`)
		var tk app.Ticket
		json.Unmarshal([]byte(r.body), &tk)
		if r := call(t, srv, "POST", fmt.Sprintf("/api/v1/windows/%d/call", w), window, "", hub.SessionHeader, lead); r.status != 200 {
			t.Fatalf("call at %d: %d %s", w, r.status, r.body)
		}
		cases[w] = tk.CaseCode
	}
	call(t, srv, "POST", "/api/v1/help", kiosk, `{"source":"大厅自助机"}`)
	return srv, cases
}

// status sends one request and returns its status and error code, without waiting for a
// stream's body.
func status(t *testing.T, srv *httptest.Server, method, path, token, session string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if session != "" {
		req.Header.Set(hub.SessionHeader, session)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e hub.ErrorBody
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && resp.StatusCode >= 400 {
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &e); err != nil || e.Code == "" {
			t.Errorf("%s %s: error body %q is not {error, code}", method, path, b)
		}
	}
	return resp.StatusCode, e.Code
}

// TestEveryRouteForEveryPrincipal walks the hub's whole route table with every kind of caller and
// checks each answer against the route's rule.
func TestEveryRouteForEveryPrincipal(t *testing.T) {
	routes := newServer(t).Routes()
	if len(routes) < 30 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		t.Run(rt.Pattern, func(t *testing.T) {
			srv, cases := calledHall(t)
			for _, p := range principals {
				w := 1
				if p.other {
					w = 2
				}
				path := strings.NewReplacer("{id}", fmt.Sprint(w), "{code}", cases[w]).Replace(pattern)
				if strings.HasPrefix(pattern, "/api/v1/help/") {
					path = strings.Replace(pattern, "{id}", "1", 1)
				}
				sess := ""
				if p.session != nil {
					sess = p.session(t, srv)
				}
				got, code := status(t, srv, method, path, p.token, sess)
				want, wantCode := expect(rt.Rule, p)
				switch {
				case want == 0 && (got == 401 || got == 403 || got == 501):
					t.Errorf("%s: refused %d %s, want admitted", p.name, got, code)
				case want != 0 && (got != want || code != wantCode):
					t.Errorf("%s: %d %s, want %d %s", p.name, got, code, want, wantCode)
				}
			}
		})
	}
}

// expect returns the refusal a principal must get from a route (0: admitted).
func expect(rule hub.Rule, p principal) (int, string) {
	switch {
	case rule.Public:
		return 0, ""
	case p.token == "" || p.token == "wrong-token-000000000":
		return 401, "unauthorized"
	case !rule.Allows(roleOfToken(p.token)):
		return 403, "forbidden"
	case p.token != window || !rule.Session:
		return 0, ""
	case p.session == nil || p.name == "signed-out session":
		return 403, app.ESESSION
	case p.other && (rule.Scope == hub.ScopeWindow || rule.Scope == hub.ScopeCase):
		return 403, "forbidden"
	}
	return 0, ""
}

func roleOfToken(tok string) app.Role { return tokens[tok] }

func newServer(t *testing.T) *hub.Server {
	api, _ := newAPI(t)
	return api
}

// TestDocsListEveryRouteWithItsRule checks the role × endpoint table of docs/api.md against the
// hub's own route table, both ways.
func TestDocsListEveryRouteWithItsRule(t *testing.T) {
	b, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "| endpoint | kiosk | window | display | rating |"):
			in = true
		case in && strings.HasPrefix(line, "| `"):
			documented = append(documented, line)
		case in && !strings.HasPrefix(line, "|"):
			in = false
		}
	}
	if len(documented) == 0 {
		t.Fatal("docs/api.md has no role × endpoint table")
	}
	var want []string
	for _, rt := range newServer(t).Routes() {
		want = append(want, hub.RuleRow(rt))
	}
	for _, w := range want {
		if !slices.Contains(documented, w) {
			t.Errorf("docs/api.md lacks the row\n%s", w)
		}
	}
	for _, d := range documented {
		if !slices.Contains(want, d) {
			t.Errorf("docs/api.md documents a route the hub does not have, or with another rule:\n%s", d)
		}
	}
}
