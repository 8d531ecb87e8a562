package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// benchTracking loads cases into the database if asked, then requests the tracking pages of
// random known codes from a number of connections for a while and reports throughput and
// latency percentiles. The target must be on the loopback interface.
func benchTracking(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench-tracking", flag.ContinueOnError)
	dsn := dbFlag(fs)
	target := fs.String("url", "http://127.0.0.1:8080", "the centre server to measure (loopback only)")
	load := fs.Int("load", 0, "first load this many cases into the database (site \"bench\")")
	duration := fs.Duration("duration", 20*time.Second, "how long to measure")
	warmup := fs.Duration("warmup", 3*time.Second, "requests before measuring")
	conc := fs.Int("concurrency", 16, "parallel connections")
	if err := fs.Parse(args); err != nil || *dsn == "" {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	u, err := url.Parse(*target)
	if err != nil {
		return fmt.Errorf("bench-tracking: --url: %w", err)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return errors.New("bench-tracking: the target must be a loopback address such as 127.0.0.1")
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if *load > 0 {
		start := time.Now()
		if err := loadCases(ctx, st, *load); err != nil {
			return err
		}
		fmt.Printf("loaded %d cases in %s\n", *load, time.Since(start).Round(time.Millisecond))
	}
	codes, err := st.CaseCodes(ctx, 20000)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return errors.New("bench-tracking: no cases; use --load")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}, Timeout: 10 * time.Second}
	run := func(d time.Duration) (lat []time.Duration, errs int, took time.Duration) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		begin := time.Now()
		deadline := begin.Add(d)
		for w := range *conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				var mine []time.Duration
				bad := 0
				for time.Now().Before(deadline) && ctx.Err() == nil {
					code := codes[rng.IntN(len(codes))]
					t0 := time.Now()
					resp, err := client.Get(u.String() + "/t/" + code)
					if err != nil {
						bad++
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(t0))
					if resp.StatusCode != http.StatusOK {
						bad++
					}
				}
				mu.Lock()
				lat, errs = append(lat, mine...), errs+bad
				mu.Unlock()
			}()
		}
		wg.Wait()
		return lat, errs, time.Since(begin)
	}
	run(*warmup)
	lat, errs, took := run(*duration)
	if len(lat) == 0 {
		return errors.New("bench-tracking: no response")
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("target %s, %d connections, %s, %d codes sampled, GOMAXPROCS %d\n", u.Host, *conc,
		took.Round(time.Millisecond), len(codes), runtime.GOMAXPROCS(0))
	fmt.Printf("requests %d, errors %d, %.0f requests/s\n", len(lat), errs, float64(len(lat))/took.Seconds())
	fmt.Printf("latency p50 %s, p90 %s, p99 %s, max %s\n", q(0.50).Round(10*time.Microsecond),
		q(0.90).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	return nil
}

// loadCases writes n fictitious cases of a site "bench" in chunks, each with the status history
// of a case at a random stage.
func loadCases(ctx context.Context, st *sqlstore.Store, n int) error {
	site, err := st.SiteByName(ctx, "bench")
	if app.ErrorCode(err) == app.ENOTFOUND {
		_, hash := center.NewToken()
		site, err = st.AddSite(ctx, "bench", hash)
		if err == nil {
			err = st.SetSitePhone(ctx, site.ID, "0575-87000000")
		}
	}
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	const chunk = 5000
	stages := []app.CaseStatus{app.CaseRegistered, app.CaseAccepted, app.CaseAssigned, app.CaseAssessing,
		app.CaseHandling, app.CaseFollowUp, app.CaseClosed}
	for done := 0; done < n; done += chunk {
		var cases []*center.CaseState
		var entries []center.Entry
		for range min(chunk, n-done) {
			opened := time.Now().Add(-time.Duration(rng.IntN(365*24)) * time.Hour).UTC()
			reach := 1 + rng.IntN(len(stages))
			c := app.Case{Code: app.NewCaseCode(), Service: "mediation", Category: "邻里纠纷", Status: stages[reach-1],
				Owner: app.OwnerHall, Unit: "司法所", OpenedAt: opened, UpdatedAt: opened,
				Visitor: &app.MaskedVisitor{Name: "张*", IDNumber: "3306**********0012", Phone: "138****0000"}}
			at := opened
			for _, s := range stages[:reach] {
				entries = append(entries, center.Entry{Code: c.Code, At: at, Kind: app.EntryStatus, Status: s, By: app.OwnerHall,
					Origin: app.OwnerHall, EventID: 1})
				at = at.Add(36 * time.Hour)
			}
			if c.Status == app.CaseClosed {
				c.Result, c.ClosedAt = app.ResultResolved, &at
			}
			cases = append(cases, &center.CaseState{Site: site.ID, Case: c})
		}
		if err := st.ImportCases(ctx, cases, entries); err != nil {
			return err
		}
	}
	return nil
}
