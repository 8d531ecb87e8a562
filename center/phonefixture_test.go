package center_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// phoneFixture is a centre with one village of two big grids: 一网格 (small grids 一网格1 and
// 一网格2) and 二网格 (二网格1); 网格员 wangwu in 一网格1 and lisi in 二网格1, 网格长 zhaoliu of
// 一网格; and a staff member and an admin for the dashboard.
type phoneFixture struct {
	st                     *sqlstore.Store
	ps                     phoneWebStore
	srv                    *httptest.Server
	village                center.Site
	small1, small2, small3 int64
	postgres               bool
	gate                   *gate          // takes the network away
	seen                   *observedStore // what reached RegisterDispute
}

// phoneWebStore is a centre store that serves the phone app.
type phoneWebStore interface {
	center.WebStore
	center.PhoneStore
}

var _ phoneWebStore = (*sqlstore.Store)(nil)

// gate stands between the phone and the centre: offline, it drops every connection; with lose set,
// it lets that many dispute requests through to the centre and then drops the connection before
// the answer, as a weak mobile line does.
type gate struct {
	h       http.Handler
	offline atomic.Bool
	lose    atomic.Int32
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	drop := func() {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	}
	if g.offline.Load() {
		drop()
		return
	}
	if r.URL.Path == "/m/api/disputes" && g.lose.Add(-1) >= 0 {
		g.h.ServeHTTP(httptest.NewRecorder(), r)
		drop()
		return
	}
	g.h.ServeHTTP(w, r)
}

// observedStore counts the requests that reach RegisterDispute, by key.
type observedStore struct {
	phoneWebStore
	mu   sync.Mutex
	keys map[string]int
}

func (o *observedStore) RegisterDispute(ctx context.Context, u center.User, d app.GridDispute, at time.Time) (app.Case, bool, error) {
	o.mu.Lock()
	o.keys[d.Key]++
	o.mu.Unlock()
	return o.phoneWebStore.RegisterDispute(ctx, u, d, at)
}

func newPhoneFixture(t *testing.T, dsn string, opts ...center.Option) *phoneFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &phoneFixture{st: st, postgres: !strings.HasPrefix(dsn, "sqlite:")}
	_, hash := center.NewToken()
	if f.village, err = st.AddSite(ctx, "枫源村", hash); err != nil {
		t.Fatal(err)
	}
	grid := func(name string, parent int64) int64 {
		var id int64
		var p any
		if parent != 0 {
			p = parent
		}
		if err := st.DB().QueryRowContext(ctx, f.q("INSERT INTO grids (site_id, parent_id, name, created_at) VALUES (?, ?, ?, ?) RETURNING id"),
			f.village.ID, p, name, time.Now().UnixMicro()).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	big1, big2 := grid("一网格", 0), grid("二网格", 0)
	f.small1, f.small2, f.small3 = grid("一网格1", big1), grid("一网格2", big1), grid("二网格1", big2)
	pw, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role center.Role
		grid int64
	}{
		{"wangwu", center.RoleGridWorker, f.small1}, {"lisi", center.RoleGridWorker, f.small3},
		{"zhaoliu", center.RoleGridLeader, big1}, {"staff", center.RoleStaff, 0}, {"admin", center.RoleAdmin, 0},
	} {
		_, th := center.NewToken()
		if err := st.AddUser(ctx, u.name, th, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserAccess(ctx, u.name, u.role, 0); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPassword(ctx, u.name, pw); err != nil {
			t.Fatal(err)
		}
		if u.grid != 0 {
			if _, err := st.DB().ExecContext(ctx, f.q("INSERT INTO grid_members (user_id, grid_id) SELECT id, ? FROM users WHERE name = ?"),
				u.grid, u.name); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.ps = st
	f.seen = &observedStore{phoneWebStore: f.ps, keys: map[string]int{}}
	opts = append([]center.Option{center.WithCentre("枫桥镇综治中心", "0575-87010000")}, opts...)
	f.gate = &gate{h: center.NewServer(f.seen, nil, opts...)}
	f.srv = httptest.NewServer(f.gate)
	t.Cleanup(f.srv.Close)
	return f
}

// q writes a query's placeholders for the fixture's database.
func (f *phoneFixture) q(query string) string {
	if !f.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// gridCases counts the cases registered from the phone app.
func (f *phoneFixture) gridCases(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.st.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM cases WHERE source = 'grid'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
