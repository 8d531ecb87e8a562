package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// ReadDSNEnv names the environment variable holding the default of serve --read-dsn.
const ReadDSNEnv = "FENGQIAO_CENTER_READ_DSN"

// ServeOptions are the settings of serve.
type ServeOptions struct {
	IO            Streams
	DB            string
	ReadDSN       string // a streaming replica for the pages' reads; "" reads from DB
	Listen        string
	TLSCert       string
	TLSKey        string
	CentreName    string
	CentrePhone   string
	Retain        Days // 0: keep personal data
	TrustProxy    bool
	SecureCookies bool
	ContactLimit  time.Duration
	OverdueMemo   time.Duration // how long a county's or city's overdue figures are reused
	TownSite      string        // the town hall's site: escalated cases are handed to it
	MediationOrgs []string      // the organisations a case can be assigned to
	IDKey         string        // the file of the centre's key for the hash of ID numbers
	GroupParties  int           // parties from which a dispute counts as 群体性
	RemindURL     string        // the booking reminder hook's URL (POST, JSON)
	RemindCommand string        // or its command (JSON on stdin)
	RemindAhead   time.Duration // how long before a booked slot its reminder goes
}

// NewCmdServe returns the serve command. runF, when not nil, replaces the work (tests).
func NewCmdServe(runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the halls' sync API, the tracking page and the dashboard",
		Long: `Serve the halls' sync API, the residents' case tracking page and the staff's dashboard
until interrupted. Without --tls-cert the server speaks plain HTTP.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (opts.TLSCert == "") != (opts.TLSKey == "") {
				return usageErrorf("--tls-cert and --tls-key go together")
			}
			if opts.RemindURL != "" && opts.RemindCommand != "" {
				return usageErrorf("--remind-url and --remind-command exclude each other")
			}
			opts.IO = streamsOf(cmd)
			if opts.ReadDSN == "" {
				opts.ReadDSN = os.Getenv(ReadDSNEnv)
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.StringVar(&opts.ReadDSN, "read-dsn", "",
		"PostgreSQL streaming replica `DSN` that the tracking page, dashboard and exports read from (default $"+ReadDSNEnv+")")
	f.StringVar(&opts.Listen, "listen", ":8443", "listen on `ADDR` (host:port)")
	f.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate `FILE` (PEM)")
	f.StringVar(&opts.TLSKey, "tls-key", "", "TLS key `FILE` (PEM)")
	f.StringVar(&opts.CentreName, "centre-name", "综治中心", "the centre's `NAME` on its pages")
	f.StringVar(&opts.CentrePhone, "centre-phone", "", "the centre's `PHONE`, shown for case codes it does not know")
	f.StringVar(&opts.TownSite, "town-site", "", "the town hall's site `NAME`: escalated cases show under it and can be handed to it")
	f.StringSliceVar(&opts.MediationOrgs, "mediation-orgs", nil, "the mediation `ORGS` a case can be assigned to (default 村调委会,镇调委会,司法所,派出所,人民法庭)")
	f.Var(&opts.Retain, "retain",
		"strip personal data of cases closed longer ago than `DAYS`, e.g. 1095d, at start and then daily")
	f.BoolVar(&opts.TrustProxy, "trust-proxy", false,
		"take client addresses from X-Forwarded-For (behind a reverse proxy only)")
	f.BoolVar(&opts.SecureCookies, "secure-cookies", false, "mark cookies Secure (set when a TLS proxy is in front)")
	f.DurationVar(&opts.ContactLimit, "contact-limit", center.DefaultContactLimit,
		"warn on the dashboard when a site has made no contact for `DURATION` of its opening hours")
	f.DurationVar(&opts.OverdueMemo, "overdue-memo", center.DefaultOverdueMemo,
		"reuse a county's or city's overdue figures for up to `DURATION` on this node (0: find them for every page)")
	f.StringVar(&opts.IDKey, "id-key", "",
		"secret key `FILE` (at least 32 bytes) for the keyed hash of ID numbers that matches repeat visitors")
	f.IntVar(&opts.GroupParties, "group-parties", center.DefaultGroupParties,
		"flag a dispute with at least `N` parties as 群体性 on the early warning page")
	f.StringVar(&opts.RemindURL, "remind-url", "",
		"POST a JSON reminder of each booking to `URL` (a town's SMS gateway; the phone is in the body only)")
	f.StringVar(&opts.RemindCommand, "remind-command", "",
		"run `COMMAND` with each booking's JSON reminder on standard input (instead of --remind-url)")
	f.DurationVar(&opts.RemindAhead, "remind-ahead", 24*time.Hour, "send a booking's reminder `DURATION` before its slot")
	return cmd
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.ReadDSN != "" {
		if err := st.AttachReplica(ctx, opts.ReadDSN); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return err
	}
	hashing, err := setIDKey(ctx, st, opts.IDKey)
	if err != nil {
		return err
	}
	if opts.Retain > 0 {
		go retainLoop(ctx, st, opts.Retain.Duration())
	}
	go foldLoop(ctx, st, foldEvery)
	rem := &center.Reminders{Store: st, Sites: st.Sites, URL: opts.RemindURL, Command: opts.RemindCommand,
		Ahead: opts.RemindAhead, Log: slog.Default(), Now: time.Now, Client: &http.Client{Timeout: 30 * time.Second}}
	if rem.Enabled() {
		go rem.Run(ctx, time.Minute)
	}
	tls := opts.TLSCert != ""
	handler := center.NewServer(st, slog.Default(), center.WithCentre(opts.CentreName, opts.CentrePhone),
		center.WithSecureCookies(tls || opts.SecureCookies), center.WithTrustedProxy(opts.TrustProxy),
		center.WithContactLimit(opts.ContactLimit), center.WithOverdueMemo(opts.OverdueMemo),
		center.WithTownSite(opts.TownSite), center.WithMediationOrgs(opts.MediationOrgs),
		center.WithWarning(opts.GroupParties, hashing))
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	slog.InfoContext(ctx, "centre serving", "addr", ln.Addr().String(), "tls", tls, "read_replica", opts.ReadDSN != "")
	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- srv.ServeTLS(ln, opts.TLSCert, opts.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// foldEvery is how often serve folds the ledger's log: at a city's busy hour about 1,000 changes a
// second, so a dashboard adds at most a few seconds' worth of the log to the sums it reads. A fold
// costs about as much per change however often it runs (each change is summed into its town,
// county, city and all halls, by month and over all months), so more often buys little.
const foldEvery = 5 * time.Second

// foldLoop sums the ledger's logged changes by region every interval until ctx ends, so that
// the log the dashboards add to the sums stays short (Store.FoldLedgerLog).
func foldLoop(ctx context.Context, st *sqlstore.Store, every time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		if err := st.FoldLedgerLog(ctx); err != nil && !errors.Is(err, context.Canceled) {
			slog.ErrorContext(ctx, "fold ledger log", "err", err)
		}
	}
}

// retainLoop applies the retention rule at start and then daily until ctx ends.
func retainLoop(ctx context.Context, st center.WebStore, keep time.Duration) {
	for {
		n, err := st.StripPersonalData(ctx, time.Now().Add(-keep))
		switch {
		case errors.Is(err, context.Canceled):
			return
		case err != nil:
			slog.ErrorContext(ctx, "retention", "err", err)
		case n > 0:
			slog.InfoContext(ctx, "retention: personal data stripped", "cases", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

// setIDKey reads the key file, gives the store the key and hashes the ID numbers of the cases
// synced without it. It reports whether the centre hashes ID numbers; without a file it does
// not, and says so in the log.
func setIDKey(ctx context.Context, st *sqlstore.Store, file string) (bool, error) {
	if file == "" {
		slog.WarnContext(ctx, "no --id-key: repeat visitors are not matched")
		return false, nil
	}
	key, err := os.ReadFile(file)
	if err != nil {
		return false, fmt.Errorf("read the ID key: %w", err)
	}
	if err := st.SetIDKey(key); err != nil {
		return false, fmt.Errorf("ID key %s: %w", file, err)
	}
	n, err := st.BackfillIDHashes(ctx)
	if err != nil {
		return false, fmt.Errorf("hash the ID numbers of earlier cases: %w", err)
	}
	if n > 0 {
		slog.InfoContext(ctx, "ID numbers of earlier cases hashed", "cases", n)
	}
	return true, nil
}
