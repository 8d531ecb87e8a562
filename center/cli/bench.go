package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// BenchTrackingOptions are the settings of bench-tracking.
type BenchTrackingOptions struct {
	IO          Streams
	DB          string
	URL         string
	Load        int
	Duration    time.Duration
	Warmup      time.Duration
	Concurrency int
}

// NewCmdBenchTracking returns the bench-tracking command. runF, when not nil, replaces the work
// (tests).
func NewCmdBenchTracking(runF func(*BenchTrackingOptions) error) *cobra.Command {
	opts := &BenchTrackingOptions{}
	cmd := &cobra.Command{
		Use:   "bench-tracking",
		Short: "Load cases and measure the tracking page of a running server",
		Long: `Load cases into the database if asked, then request the tracking pages of random known
codes from a number of connections for a while and report throughput and latency percentiles.
The server must listen on the loopback interface.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if u, err := url.Parse(opts.URL); err != nil || !isLoopback(u.Hostname()) {
				return usageErrorf("--url must be on a loopback address such as http://127.0.0.1:8080, not %q", opts.URL)
			}
			if opts.Load < 0 || opts.Concurrency < 1 || opts.Duration <= 0 || opts.Warmup < 0 {
				return usageErrorf("--load, --warmup, --duration and --concurrency cannot be negative; " +
					"--duration and --concurrency cannot be zero")
			}
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return benchTrackingRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.StringVar(&opts.URL, "url", "http://127.0.0.1:8080", "`URL` of the centre server to measure (loopback only)")
	f.IntVar(&opts.Load, "load", 0, "first load `N` cases into the database (site \"bench\")")
	f.DurationVar(&opts.Duration, "duration", 20*time.Second, "how long to measure")
	f.DurationVar(&opts.Warmup, "warmup", 3*time.Second, "how long to send requests before measuring")
	f.IntVar(&opts.Concurrency, "concurrency", 16, "`N` parallel connections")
	return cmd
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func benchTrackingRun(ctx context.Context, opts *BenchTrackingOptions) error {
	out := opts.IO.Out
	st, err := openBench(ctx, opts.DB, opts.Load, loadCases, out)
	if err != nil {
		return err
	}
	defer st.Close()
	codes, err := st.CaseCodes(ctx, 20000)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return errors.New("no cases; use --load")
	}
	b := &trackingBench{target: strings.TrimSuffix(opts.URL, "/"), codes: codes, conc: opts.Concurrency, client: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: opts.Concurrency, MaxConnsPerHost: opts.Concurrency},
		Timeout:   10 * time.Second,
	}}
	b.run(ctx, opts.Warmup)
	lat, errs, took := b.run(ctx, opts.Duration)
	if len(lat) == 0 {
		return errors.New("no response")
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(out, "target %s, %d connections, %s, %d codes sampled, GOMAXPROCS %d\n", opts.URL, opts.Concurrency,
		took.Round(time.Millisecond), len(codes), runtime.GOMAXPROCS(0))
	fmt.Fprintf(out, "requests %d, errors %d, %.0f requests/s\n", len(lat), errs, float64(len(lat))/took.Seconds())
	fmt.Fprintf(out, "latency p50 %s, p90 %s, p99 %s, max %s\n", q(0.50), q(0.90), q(0.99), q(1))
	return nil
}

// trackingBench requests the tracking pages of random codes from a number of connections.
type trackingBench struct {
	target string
	codes  []string
	conc   int
	client *http.Client
}

// run requests pages for d and returns the latencies of the answers, the count of failed
// requests and answers other than 200, and the time it took.
func (b *trackingBench) run(ctx context.Context, d time.Duration) (lat []time.Duration, errs int, took time.Duration) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := time.Now()
	deadline := begin.Add(d)
	for w := range b.conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				resp, err := b.client.Get(b.target + "/t/" + b.codes[rng.IntN(len(b.codes))])
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
		})
	}
	wg.Wait()
	return lat, errs, time.Since(begin)
}

// loadCases writes n fictitious cases of a site "bench" in chunks, each with the status history
// of a case at a random stage.
// openBench opens the bench database and, when load > 0, first fills it with load cases by fill,
// saying how long that took.
func openBench(ctx context.Context, db string, load int, fill func(context.Context, *sqlstore.Store, int) error, out io.Writer) (*sqlstore.Store, error) {
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	if load > 0 {
		start := time.Now()
		if err := fill(ctx, st, load); err != nil {
			st.Close()
			return nil, fmt.Errorf("load cases: %w", err)
		}
		fmt.Fprintf(out, "loaded %d cases in %s\n", load, time.Since(start).Round(time.Millisecond))
	}
	return st, nil
}

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
				entries = append(entries, center.Entry{Code: c.Code, At: at, Kind: app.EntryStatus, Status: s, By: string(app.OwnerHall),
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
