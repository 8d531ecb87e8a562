package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// BenchCaseListOptions are the settings of bench-caselist.
type BenchCaseListOptions struct {
	IO     Streams
	DB     string
	Load   int
	Rounds int
}

// NewCmdBenchCaseList returns the bench-caselist command. runF, when not nil, replaces the work
// (tests).
func NewCmdBenchCaseList(runF func(*BenchCaseListOptions) error) *cobra.Command {
	opts := &BenchCaseListOptions{}
	cmd := &cobra.Command{
		Use:   "bench-caselist",
		Short: "Load cases and measure the dashboard's case list queries",
		Long: `Load cases of twelve sites into the database if asked (a twentieth of them escalated, a tenth
open, each with a fictitious party), then run the case list's queries — each filter, deep pages,
the search by a party's name or ID number — with random values, and report p50 and p95 per query.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Load < 0 || opts.Rounds < 1 {
				return usageErrorf("--load cannot be negative and --rounds must be at least 1")
			}
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return benchCaseListRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.IntVar(&opts.Load, "load", 0, "first load `N` cases into the database (sites \"bench-01\" … \"bench-12\")")
	f.IntVar(&opts.Rounds, "rounds", 50, "run each query `N` times")
	return cmd
}

// benchQuery is one query of the case list, with random values drawn from rng.
type benchQuery struct {
	name string
	run  func(ctx context.Context, st *sqlstore.Store, rng *rand.Rand, sites []center.Site, now time.Time) error
}

var benchCategories = []string{"邻里纠纷", "婚姻家庭", "土地承包", "劳动争议", "物业纠纷", "交通事故"}

func benchCaseListRun(ctx context.Context, opts *BenchCaseListOptions) error {
	out := opts.IO.Out
	st, err := openBench(ctx, opts.DB, opts.Load, loadCaseList, out)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	allSites, err := st.Sites(ctx)
	if err != nil {
		return err
	}
	var sites []center.Site
	for _, s := range allSites {
		if len(s.Name) > 6 && s.Name[:6] == "bench-" {
			sites = append(sites, s)
		}
	}
	codes, err := st.CaseCodes(ctx, 5000)
	if err != nil {
		return err
	}
	if len(sites) == 0 || len(codes) == 0 {
		return errors.New("no bench cases; use --load")
	}
	var count int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&count); err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	list := func(scope center.Scope, f func(rng *rand.Rand, sites []center.Site) center.CaseFilter) func(context.Context, *sqlstore.Store, *rand.Rand, []center.Site, time.Time) error {
		return func(ctx context.Context, st *sqlstore.Store, rng *rand.Rand, sites []center.Site, now time.Time) error {
			filter := f(rng, sites)
			filter.Services, filter.Town = app.DefaultServices(), sites[0].ID
			_, err := st.ListCases(ctx, scope, filter, now)
			return err
		}
	}
	site := func(rng *rand.Rand, sites []center.Site) int64 { return sites[rng.IntN(len(sites))].ID }
	queries := []benchQuery{
		{"first page, no filter", list(center.Scope{}, func(*rand.Rand, []center.Site) center.CaseFilter { return center.CaseFilter{} })},
		{"page 200 (keyset)", list(center.Scope{}, func(rng *rand.Rand, _ []center.Site) center.CaseFilter {
			return center.CaseFilter{After: &center.CaseCursor{OpenedAt: time.Now().Add(-time.Duration(200+rng.IntN(200)) * time.Hour), Code: "~"}}
		})},
		{"site", list(center.Scope{}, func(rng *rand.Rand, s []center.Site) center.CaseFilter { return center.CaseFilter{Site: site(rng, s)} })},
		{"origin site (scoped user)", list(center.Scope{Site: sites[1].ID}, func(rng *rand.Rand, s []center.Site) center.CaseFilter {
			return center.CaseFilter{Origin: sites[1].ID}
		})},
		{"service + category", list(center.Scope{}, func(rng *rand.Rand, _ []center.Site) center.CaseFilter {
			return center.CaseFilter{Service: "mediation", Category: benchCategories[rng.IntN(len(benchCategories))]}
		})},
		{"status", list(center.Scope{}, func(rng *rand.Rand, _ []center.Site) center.CaseFilter {
			return center.CaseFilter{Status: app.CaseStatuses[rng.IntN(len(app.CaseStatuses))]}
		})},
		{"stage open", list(center.Scope{}, func(*rand.Rand, []center.Site) center.CaseFilter { return center.CaseFilter{Stage: center.StageOpen} })},
		{"escalated, by origin", list(center.Scope{}, func(rng *rand.Rand, s []center.Site) center.CaseFilter {
			return center.CaseFilter{Escalated: center.EscalatedAny, Origin: site(rng, s)}
		})},
		{"inbox", list(center.Scope{}, func(*rand.Rand, []center.Site) center.CaseFilter {
			return center.CaseFilter{Escalated: center.EscalatedInbox}
		})},
		{"overdue", list(center.Scope{}, func(*rand.Rand, []center.Site) center.CaseFilter { return center.CaseFilter{Overdue: true} })},
		{"overdue, one site", list(center.Scope{}, func(rng *rand.Rand, s []center.Site) center.CaseFilter {
			return center.CaseFilter{Overdue: true, Origin: site(rng, s)}
		})},
		{"a month, one site", list(center.Scope{}, func(rng *rand.Rand, s []center.Site) center.CaseFilter {
			from := time.Now().AddDate(0, -1-rng.IntN(10), 0)
			return center.CaseFilter{Origin: site(rng, s), From: from, To: from.AddDate(0, 1, 0)}
		})},
		{"查询码", list(center.Scope{}, func(rng *rand.Rand, _ []center.Site) center.CaseFilter {
			return center.CaseFilter{Code: codes[rng.IntN(len(codes))]}
		})},
		{"party by name", func(ctx context.Context, st *sqlstore.Store, rng *rand.Rand, _ []center.Site, _ time.Time) error {
			_, err := st.SearchParty(ctx, center.Scope{}, benchName(rng.IntN(count+1)))
			return err
		}},
		{"party by ID number", func(ctx context.Context, st *sqlstore.Store, rng *rand.Rand, _ []center.Site, _ time.Time) error {
			_, err := st.SearchParty(ctx, center.Scope{}, benchID(rng.IntN(count+1)))
			return err
		}},
		{"escalations (inbox page)", func(ctx context.Context, st *sqlstore.Store, _ *rand.Rand, _ []center.Site, _ time.Time) error {
			_, err := st.Escalations(ctx, center.Scope{Site: sites[2].ID})
			return err
		}},
	}
	fmt.Fprintf(out, "%d cases, %d rounds per query, GOMAXPROCS %d\n", count, opts.Rounds, runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(42, 7))
	var all []time.Duration
	for _, q := range queries {
		lat := make([]time.Duration, 0, opts.Rounds)
		for range opts.Rounds {
			t0 := time.Now()
			if err := q.run(ctx, st, rng, sites, time.Now()); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			lat = append(lat, time.Since(t0))
		}
		all = append(all, lat...)
		p50, p95 := percentiles(lat)
		fmt.Fprintf(out, "%-28s p50 %8s  p95 %8s\n", q.name, p50, p95)
	}
	p50, p95 := percentiles(all)
	fmt.Fprintf(out, "%-28s p50 %8s  p95 %8s\n", "all queries", p50, p95)
	return nil
}

func percentiles(lat []time.Duration) (p50, p95 time.Duration) {
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(10 * time.Microsecond)
	}
	return q(0.50), q(0.95)
}

// benchName and benchID are the fictitious party of the i-th bench case.
func benchName(i int) string { return fmt.Sprintf("测试%07d", i) }
func benchID(i int) string   { return fmt.Sprintf("9900002000%08d", i) }

// loadCaseList writes n fictitious cases over twelve sites in chunks: opened over two years,
// nine in ten closed, one in twenty escalated to the centre (half of those accepted), each with
// its status history and a party the search can find.
func loadCaseList(ctx context.Context, st *sqlstore.Store, n int) error {
	var sites []center.Site
	for i := 1; i <= 12; i++ {
		name := fmt.Sprintf("bench-%02d", i)
		site, err := st.SiteByName(ctx, name)
		if app.ErrorCode(err) == app.ENOTFOUND {
			_, hash := center.NewToken()
			site, err = st.AddSite(ctx, name, hash)
		}
		if err != nil {
			return err
		}
		sites = append(sites, site)
	}
	var base int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&base); err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	services := app.DefaultServices()
	const chunk = 5000
	for done := 0; done < n; done += chunk {
		var cases []*center.CaseState
		var entries []center.Entry
		for i := range min(chunk, n-done) {
			opened := time.Now().Add(-time.Duration(rng.IntN(2*365*24*60)) * time.Minute).UTC()
			status := app.CaseClosed
			if rng.IntN(10) == 0 {
				status = app.CaseStatuses[rng.IntN(len(app.CaseStatuses)-1)]
			}
			k := base + done + i
			c := app.Case{Code: app.NewCaseCode(), Service: services[rng.IntN(len(services))].Code,
				Category: benchCategories[rng.IntN(len(benchCategories))], Status: status, Owner: app.OwnerHall,
				OpenedAt: opened, UpdatedAt: opened, Visitor: &app.MaskedVisitor{Name: "测*", IDNumber: app.MaskIDNumber(benchID(k))}}
			if status == app.CaseClosed {
				c.Result, c.ClosedAt = app.ResultResolved, &opened
			}
			at := opened
			for _, s := range app.CaseStatuses {
				entries = append(entries, center.Entry{Code: c.Code, At: at, Kind: app.EntryStatus, Status: s, By: string(app.OwnerHall),
					Origin: app.OwnerHall, EventID: 1})
				if s == status {
					break
				}
				at = at.Add(time.Hour)
			}
			if rng.IntN(20) == 0 {
				c.Owner = app.OwnerCentre
				entries = append(entries, center.Entry{Code: c.Code, At: opened, Kind: app.EntryEscalated, By: string(app.OwnerHall),
					Origin: app.OwnerHall, EventID: 1})
			}
			cases = append(cases, &center.CaseState{Site: sites[rng.IntN(len(sites))].ID, Case: c,
				Identity: &app.Visitor{IDNumber: benchID(k), Name: benchName(k)}})
		}
		if err := st.ImportCases(ctx, cases, entries); err != nil {
			return err
		}
	}
	// Half the escalations have been accepted.
	_, err := st.DB().ExecContext(ctx, `UPDATE cases SET escalation_accepted_at = opened_at
		WHERE owner = 'centre' AND escalation_accepted_at IS NULL AND opened_at % 2 = 0`)
	if err != nil {
		return fmt.Errorf("accept escalations: %w", err)
	}
	return nil
}
