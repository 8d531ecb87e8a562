package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/citysim"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// benchHall is a simulated hall of the city, with the token it signs its requests with.
type benchHall struct {
	id      int64
	token   string
	hall    *citysim.Hall
	pending []wire.Event // made and not yet applied
	cursor  int64        // the last change pulled
	epoch   string       // sent with every push, as a real hall does (docs/sync.md, "Epochs")
}

// benchHalls reads the bench's halls and gives each a fresh token.
func benchHalls(ctx context.Context, st *sqlstore.Store) ([]*benchHall, error) {
	rows, err := st.DB().QueryContext(ctx, "SELECT id, applied_through, last_seq FROM sites WHERE name LIKE $1 ORDER BY id",
		benchSitePrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("read bench halls: %w", err)
	}
	defer rows.Close()
	var halls []*benchHall
	var ids []int64
	var hashes [][]byte
	for rows.Next() {
		var id, applied, seq int64
		if err := rows.Scan(&id, &applied, &seq); err != nil {
			return nil, fmt.Errorf("read bench halls: %w", err)
		}
		tok, hash := center.NewToken()
		halls = append(halls, &benchHall{id: id, token: tok, hall: citysim.NewHall(uint64(id), applied), cursor: seq,
			epoch: fmt.Sprintf("bench-hall-%d", id)})
		ids, hashes = append(ids, id), append(hashes, hash)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read bench halls: %w", err)
	}
	if len(halls) == 0 {
		return nil, errNoHalls
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE sites SET token_hash = d.hash FROM unnest($1::bigint[], $2::bytea[]) AS d(id, hash)
		WHERE sites.id = d.id`, ids, hashes); err != nil {
		return nil, fmt.Errorf("give bench halls tokens: %w", err)
	}
	return halls, nil
}

// benchReaders are the centre's users the bench signs in: one who sees the whole city and one
// who sees one hall, and the case list filters it requests.
type benchReaders struct {
	city, hall string // session cookies
	filters    []string
}

func newBenchReaders(ctx context.Context, st *sqlstore.Store, base string, halls []*benchHall) (*benchReaders, error) {
	session := func(name string, role center.Role, site int64) (string, error) {
		if _, _, err := st.Credentials(ctx, name); app.ErrorCode(err) == app.ENOTFOUND {
			_, hash := center.NewToken()
			if err := st.AddUser(ctx, name, hash, time.Time{}); err != nil {
				return "", err
			}
		}
		if err := st.SetUserAccess(ctx, name, role, site); err != nil {
			return "", err
		}
		tok, err := center.NewSession(ctx, st, name, time.Now())
		return "fq_session=" + tok, err
	}
	var r benchReaders
	var err error
	if r.city, err = session("bench-city", center.RoleLeader, 0); err != nil {
		return nil, fmt.Errorf("bench user: %w", err)
	}
	if r.hall, err = session("bench-hall", center.RoleStaff, halls[0].id); err != nil {
		return nil, fmt.Errorf("bench user: %w", err)
	}
	month := time.Now().AddDate(0, -3, 0)
	site := fmt.Sprint(halls[len(halls)/2].id)
	r.filters = []string{"", "status=handling", "stage=open", "service=mediation&category=" + url.QueryEscape("邻里纠纷"),
		"escalated=inbox", "overdue=1", "site=" + site, "origin=" + site + "&overdue=1",
		"from=" + month.Format(time.DateOnly) + "&to=" + month.AddDate(0, 1, -1).Format(time.DateOnly) + "&origin=" + site,
		"owner=centre&status=accepted"}
	return &r, nil
}

// latencies collects the durations of one kind of request, and its failures.
type latencies struct {
	mu   sync.Mutex
	d    []time.Duration
	errs int
}

func (l *latencies) add(d time.Duration, ok bool) {
	l.mu.Lock()
	l.d = append(l.d, d)
	if !ok {
		l.errs++
	}
	l.mu.Unlock()
}

func (l *latencies) q(p float64) time.Duration {
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return l.d[min(len(l.d)-1, int(p*float64(len(l.d))))].Round(100 * time.Microsecond)
}

func (l *latencies) summary(p float64, name string) string {
	return fmt.Sprintf("%s %s, max %s (%d requests, %d failed)", name, l.q(p), l.q(1), len(l.d), l.errs)
}

// measureSync runs every hall for one period of warm-up and then d: each pushes its new events
// (about rate a second over the city) and pulls its changes every period, while the readers
// request the dashboards and the case list one after another.
func measureSync(ctx context.Context, base string, halls []*benchHall, rd *benchReaders, rate float64, period, d time.Duration) ([]benchRow, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	var push, pull, dashCity, dashHall, list latencies
	var applied, made int64
	var mu sync.Mutex
	warm := time.Now().Add(period)
	end := warm.Add(d)
	lambda := rate * period.Seconds() / float64(len(halls))
	var wg sync.WaitGroup
	for i, h := range halls {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(h.id), uint64(rate)))
			next := time.Now().Add(time.Duration(i) * period / time.Duration(len(halls)))
			for next.Before(end) && ctx.Err() == nil {
				time.Sleep(time.Until(next))
				next = next.Add(period)
				n := int(lambda)
				if rng.Float64() < lambda-float64(n) {
					n++
				}
				now := time.Now()
				if n > 0 {
					h.pending = append(h.pending, h.hall.Events(n, now.UTC())...)
				}
				if len(h.pending) > 0 {
					t0 := time.Now()
					got, ok := h.push(ctx, client, base)
					if t0.After(warm) {
						push.add(time.Since(t0), ok)
						mu.Lock()
						applied, made = applied+int64(got), made+int64(n)
						mu.Unlock()
					}
				}
				t0 := time.Now()
				ok := h.pull(ctx, client, base)
				if t0.After(warm) {
					pull.add(time.Since(t0), ok)
				}
			}
		})
	}
	time.Sleep(time.Until(warm))
	for k := 0; time.Now().Before(end) && ctx.Err() == nil; k++ {
		get(ctx, client, base+"/dashboard", rd.city, &dashCity)
		get(ctx, client, base+"/dashboard", rd.hall, &dashHall)
		get(ctx, client, base+"/dashboard/cases?"+rd.filters[k%len(rd.filters)], rd.city, &list)
	}
	wg.Wait()
	// Rates over the time the requests took: longer than d when the centre fell behind.
	secs := max(d, time.Since(warm)).Seconds()
	at := fmt.Sprintf(" at %.0f events/s", rate)
	return []benchRow{
		{"push → applied p50, p99" + at, "p99 ≤ 1 s (at 2,000/s)", fmt.Sprintf("p50 %s, p99 %s; %.0f events/s applied in %.0f pushes/s, %d failed",
			push.q(0.5), push.q(0.99), float64(applied)/secs, float64(len(push.d))/secs, push.errs)},
		{"pulls" + at, "600/s", fmt.Sprintf("%.0f/s, p50 %s, p99 %s, %d failed", float64(len(pull.d))/secs, pull.q(0.5), pull.q(0.99), pull.errs)},
		{"dashboard p95, city user" + at, "≤ 300 ms", dashCity.summary(0.95, "p95")},
		{"dashboard p95, one-hall user" + at, "≤ 300 ms (town user)", dashHall.summary(0.95, "p95")},
		{"case-list filters p95" + at, "≤ 300 ms", list.summary(0.95, "p95")},
	}, nil
}

// push sends the hall's pending events and drops those the centre applied; it returns how many.
func (h *benchHall) push(ctx context.Context, client *http.Client, base string) (int, bool) {
	batch := h.pending[:min(len(h.pending), wire.MaxBatch)]
	body, err := json.Marshal(wire.PushRequest{Events: batch, Backlog: int64(len(h.pending) - len(batch)), Epoch: h.epoch})
	if err != nil {
		return 0, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sync/events", bytes.NewReader(body))
	if err != nil {
		return 0, false
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	var reply wire.PushReply
	if !do(client, req, &reply) {
		return 0, false
	}
	k := 0
	for k < len(h.pending) && h.pending[k].ID <= reply.AppliedThrough {
		k++
	}
	h.pending = h.pending[k:]
	return reply.Applied, reply.Applied == len(batch)
}

// pull reads the hall's changes after its cursor.
func (h *benchHall) pull(ctx context.Context, client *http.Client, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/sync/changes?after=%d", base, h.cursor), nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	var reply wire.ChangesReply
	if !do(client, req, &reply) {
		return false
	}
	if n := len(reply.Changes); n > 0 {
		h.cursor = reply.Changes[n-1].Seq
	}
	return true
}

// do sends the request and decodes a 200 answer into v.
func do(client *http.Client, req *http.Request, v any) bool {
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return false
	}
	return json.NewDecoder(resp.Body).Decode(v) == nil
}

// get requests a page with a session cookie and records how long it took.
func get(ctx context.Context, client *http.Client, u, cookie string, l *latencies) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		l.add(0, false)
		return
	}
	req.Header.Set("Cookie", cookie)
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		l.add(time.Since(t0), false)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	l.add(time.Since(t0), resp.StatusCode == http.StatusOK)
}

// measureTracking requests the tracking pages of random known codes from conc connections, with
// nothing else running.
func measureTracking(ctx context.Context, st *sqlstore.Store, base string, conc int, d time.Duration) (benchRow, error) {
	codes, err := st.CaseCodes(ctx, 20000)
	if err != nil {
		return benchRow{}, err
	}
	b := &trackingBench{target: base, codes: codes, conc: conc, client: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}, Timeout: 10 * time.Second}}
	b.run(ctx, 2*time.Second)
	lat, errs, took := b.run(ctx, d)
	l := latencies{d: lat, errs: errs}
	return benchRow{fmt.Sprintf("tracking page, alone, %d connections", conc), "≥ 3,000/s, p99 ≤ 20 ms",
		fmt.Sprintf("%.0f/s, p50 %s, p99 %s, %d failed", float64(len(lat))/took.Seconds(), l.q(0.5), l.q(0.99), errs)}, nil
}
