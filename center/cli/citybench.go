package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// BenchOptions are the settings of bench.
type BenchOptions struct {
	IO          Streams
	DB          string
	Cases       int
	Sites       int
	Rates       []int
	Duration    time.Duration
	Period      time.Duration
	Concurrency int
	CPUProfile  string
}

// NewCmdBench returns the bench command. runF, when not nil, replaces the work (tests).
func NewCmdBench(runF func(*BenchOptions) error) *cobra.Command {
	opts := &BenchOptions{}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Generate a city on PostgreSQL and measure the centre under its load",
		Long: `Generate a city into an empty PostgreSQL database, with COPY: --sites halls, ten to a town and
twenty towns to a county, and --cases cases of the last two years with their tickets, history,
follow-ups and raw events; print the disk it takes and what ten million cases would take. Then
start the centre in this process and measure it with a load generator beside it: every hall
pushes its new events every --period through the sync API and pulls its changes, at each of
--rates events per second, while the dashboards and the case list are requested; then the
tracking page alone. Print a table of the figures beside the targets of a city (docs/performance.md).
It needs a PostgreSQL superuser (the copy runs with triggers off). --cases 0 measures a city
generated before.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Cases < 0 || opts.Sites < 1 || opts.Duration <= 0 || opts.Period <= 0 || opts.Concurrency < 1 {
				return usageErrorf("--cases cannot be negative; --sites, --duration, --period and --concurrency must be positive")
			}
			for _, r := range opts.Rates {
				if r <= 0 {
					return usageErrorf("--rates must be positive events per second, not %d", r)
				}
			}
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return benchRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.IntVar(&opts.Cases, "cases", 1000000, "first generate `N` cases (0: measure the city already there)")
	f.IntVar(&opts.Sites, "sites", 3000, "`N` halls of the generated city")
	f.IntSliceVar(&opts.Rates, "rates", []int{500, 2000}, "the `EVENTS` per second pushed, one measurement each")
	f.DurationVar(&opts.Duration, "duration", 30*time.Second, "how long each measurement lasts")
	f.DurationVar(&opts.Period, "period", 5*time.Second, "how often every hall pushes and pulls")
	f.IntVar(&opts.Concurrency, "concurrency", 16, "`N` connections requesting the tracking page")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the measurements (server and load generator) to `FILE`")
	return cmd
}

func benchRun(ctx context.Context, opts *BenchOptions) error {
	out := opts.IO.Out
	if !strings.HasPrefix(opts.DB, "postgres") {
		return usageErrorf("the bench needs PostgreSQL: --db postgres://…")
	}
	shape := newCityShape(opts.Sites, opts.Cases)
	st, err := openBench(ctx, opts.DB, opts.Cases, func(ctx context.Context, st *sqlstore.Store, _ int) error {
		fmt.Fprintf(out, "generating %d halls in %d towns, %d counties and one city, and %d cases\n",
			shape.Sites, shape.Towns, shape.Counties, shape.Cases)
		return loadCity(ctx, st, shape)
	}, out)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := printDisk(ctx, st, out); err != nil {
		return err
	}
	halls, err := benchHalls(ctx, st)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: center.NewServer(st, slog.New(slog.NewTextHandler(io.Discard, nil)),
		center.WithCentre("测试市综治中心", ""), center.WithOverdueMemo(center.DefaultOverdueMemo)), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	foldCtx, stopFold := context.WithCancel(ctx)
	defer stopFold()
	go foldLoop(foldCtx, st, foldEvery) // as serve does
	base := "http://" + ln.Addr().String()
	readers, err := newBenchReaders(ctx, st, base, halls)
	if err != nil {
		return err
	}
	resetPeakRSS()
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	var rows []benchRow
	for _, rate := range opts.Rates {
		fmt.Fprintf(out, "measuring %d events/s for %s …\n", rate, opts.Duration)
		r, err := measureSync(ctx, base, halls, readers, float64(rate), opts.Period, opts.Duration)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	fmt.Fprintf(out, "measuring the tracking page for %s …\n", opts.Duration)
	track, err := measureTracking(ctx, st, base, opts.Concurrency, opts.Duration)
	if err != nil {
		return err
	}
	rows = append(rows, track, benchRow{"peak RSS (VmHWM) of this process", "≤ 300 MB", peakRSS()})
	var cases int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&cases); err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	fmt.Fprintf(out, "\n%d cases, %d halls, GOMAXPROCS %d, %d CPUs\n", cases, len(halls), runtime.GOMAXPROCS(0), runtime.NumCPU())
	printBenchTable(out, rows)
	return nil
}

// benchRow is a line of the bench's table.
type benchRow struct{ What, Target, Measured string }

func printBenchTable(out io.Writer, rows []benchRow) {
	w := 0
	for _, r := range rows {
		w = max(w, len([]rune(r.What)))
	}
	pad := func(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len([]rune(s)))) }
	fmt.Fprintf(out, "%s | %s | %s\n", pad("measure", w), pad("target", 22), "measured")
	fmt.Fprintf(out, "%s-|-%s-|-%s\n", strings.Repeat("-", w), strings.Repeat("-", 22), strings.Repeat("-", 40))
	for _, r := range rows {
		fmt.Fprintf(out, "%s | %s | %s\n", pad(r.What, w), pad(r.Target, 22), r.Measured)
	}
}

// printDisk prints the database's size and its largest tables, per case, and extrapolates to
// ten million cases.
func printDisk(ctx context.Context, st *sqlstore.Store, out io.Writer) error {
	var cases, total int64
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*), pg_database_size(current_database()) FROM cases").Scan(&cases, &total); err != nil {
		return fmt.Errorf("measure disk: %w", err)
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()
		ORDER BY 2 DESC LIMIT 6`)
	if err != nil {
		return fmt.Errorf("measure disk: %w", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			return fmt.Errorf("measure disk: %w", err)
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, mib(size)))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("measure disk: %w", err)
	}
	fmt.Fprintf(out, "disk: %s for %d cases (tables with their indexes: %s)\n", mib(total), cases, strings.Join(parts, ", "))
	if cases > 0 {
		per := float64(total) / float64(cases)
		fmt.Fprintf(out, "disk per case %.0f bytes; 10,000,000 cases need about %.0f GiB (plus WAL and room to VACUUM)\n",
			per, per*1e7/(1<<30))
	}
	return nil
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// resetPeakRSS returns the memory of generating the city to the system and resets the peak
// resident size the kernel keeps (VmHWM), so that the peak measured is of the measurement.
func resetPeakRSS() {
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS reads the process's peak resident size from /proc/self/status.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown: " + err.Error()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return fmt.Sprintf("%d MB (server and load generator)", kb/1024)
		}
	}
	return "unknown"
}

var errNoHalls = errors.New("no bench halls: generate a city with --cases")
