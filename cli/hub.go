package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/hallsync"
	"fengqiao/hub"
	"fengqiao/store"
)

type hubOptions struct {
	hall    hallFlags
	listen  string
	recover bool
}

func newHubCmd(e *env) *cobra.Command {
	var o hubOptions
	cmd := &cobra.Command{
		Use:   "hub",
		Short: "serve the hall's queue API headless (a hall with several PCs)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runHub(ctx, e.Out, o) })
		},
	}
	addHallFlags(cmd.Flags(), &o.hall)
	cmd.Flags().StringVar(&o.listen, "listen", "", "listen `address` (overrides hub.listen)")
	cmd.Flags().BoolVar(&o.recover, "recover", false,
		"rebuild a hall whose disk died: take its records back from the centre into an empty data folder (centre.sync_url and centre.token from the configuration)")
	return cmd
}

func runHub(ctx context.Context, stdout io.Writer, o hubOptions) error {
	cfg, err := o.hall.load()
	if err != nil {
		return err
	}
	if o.listen != "" {
		cfg.Hub.Listen = o.listen
	}
	if err := realHall(o.hall.config, cfg); err != nil {
		return err
	}
	if o.recover && (cfg.Centre.SyncURL == "" || cfg.Centre.Token == "") {
		return errors.New("--recover needs centre.sync_url and centre.token in the configuration")
	}
	hall, err := openHall(ctx, cfg)
	if err != nil {
		return err
	}
	defer hall.DB().Close()
	if o.recover {
		if err := markForRecovery(ctx, hall); err != nil {
			return err
		}
	}
	return serveHub(ctx, stdout, cfg, hall)
}

// realHall refuses to serve a real hall whose secrets are missing or the demo's or the example's
// (CheckSecrets), and on an address other PCs reach, one whose settings are still the example's
// (CheckPlaceholders; on loopback, a hall being set up, they are only logged). With no
// configuration file the hub serves the demo hall, for development, but only on loopback.
func realHall(path string, cfg config.Config) error {
	if path == "" {
		if !loopback(cfg.Hub.Listen) {
			return fmt.Errorf("the demo hall (no --config) listens only on loopback, not %s: its tokens and PIN are public; "+
				"run with --config /etc/fengqiao/fengqiao.toml", cfg.Hub.Listen)
		}
		slog.Warn("no configuration file: serving the demo hall with its public demo tokens and PIN 1234, on loopback only")
		return nil
	}
	slog.Info("configuration", "file", path)
	if err := cfg.CheckSecrets(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := cfg.CheckPlaceholders(); err != nil {
		if !loopback(cfg.Hub.Listen) {
			return fmt.Errorf("%s: %w\n(refused while the hub listens on %s, which other PCs reach)", path, err, cfg.Hub.Listen)
		}
		slog.Warn("example settings accepted while the hub listens on loopback only", "err", err)
	}
	if len(cfg.Staff) == 0 {
		slog.Warn("no staff yet: nobody can sign in at a window console until they are added (fengqiao staff add)")
	}
	return nil
}

// loopback reports whether a listen address is on the loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// markForRecovery marks a new, empty hall database to be rebuilt from the centre.
func markForRecovery(ctx context.Context, hall *store.Hall) error {
	db := hall.DB()
	last, err := hall.LastEventID(ctx)
	if err != nil {
		return err
	}
	r, err := db.Recovery(ctx)
	if err != nil {
		return err
	}
	switch {
	case r.Pending:
		return nil // an interrupted recovery: carry on
	case last > 0:
		return fmt.Errorf("--recover rebuilds an empty data folder, but %s holds %d events; to go back to a backup use fengqiao restore", db.Path(), last)
	}
	return db.StartRecovery(ctx)
}

// openHall opens the hall's database and queue authority.
func openHall(ctx context.Context, cfg config.Config) (*store.Hall, error) {
	db, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return nil, err
	}
	h := store.NewHall(db, cfg.Info(), cfg.Rules(), nil)
	h.SetBookingPlan(cfg.BookingPlan())
	return h, nil
}

func hubTokens(cfg config.Config) map[string]app.Role {
	m := make(map[string]app.Role, len(cfg.Hub.Tokens))
	for _, t := range cfg.Hub.Tokens {
		if t.Token != "" { // a token file this process could not read lets nobody in
			m[t.Token] = t.Role
		}
	}
	return m
}

// consoleHall gives the hub's hall the console's extras, checking staff sign-ins against
// cfg.Staff. The hub serves the console, display and rating calls only for such a hall, which is
// what serveHub hands it.
func consoleHall(cfg config.Config, h *store.Hall) *store.Console {
	staff := cfg.Staff
	return store.NewConsole(h, func(name, pin string) bool {
		for _, s := range staff {
			if s.Name == name {
				return s.CheckPIN(pin)
			}
		}
		return false
	})
}

// serveHub serves the hub API on cfg.Hub.Listen until ctx ends, saying where on stdout.
func serveHub(ctx context.Context, stdout io.Writer, cfg config.Config, hall *store.Hall) error {
	ln, err := net.Listen("tcp", cfg.Hub.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Hub.Listen, err)
	}
	api := hub.NewServer(consoleHall(cfg, hall), hubTokens(cfg), slog.Default())
	staff := make([]hub.StaffMember, len(cfg.Staff))
	for i, s := range cfg.Staff {
		staff[i] = hub.StaffMember{Name: s.Name, ID: s.ID, Lead: s.Lead}
	}
	api.SetStaff(staff)
	api.SetSyncStatus(func(ctx context.Context) (hub.SyncState, error) {
		st, err := hallsync.ReadStatus(ctx, hall.DB(), time.Now())
		if err != nil {
			return hub.SyncState{}, err
		}
		configured := cfg.Centre.SyncURL != ""
		return hub.SyncState{Configured: configured, Backlog: st.Backlog, OldestPending: st.OldestPending.Seconds(),
			LastSuccess: st.LastSuccess, LastError: st.LastError, Lost: st.Lost,
			Stale: configured && st.Backlog > 0 && st.OldestPending > hub.StaleAfter}, nil
	})
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	if err := startSync(ctx, stdout, cfg, hall); err != nil {
		ln.Close()
		return err
	}
	go hub.RunNoShows(ctx, hall, time.Minute, slog.Default())
	scheme := "http"
	if cfg.Hub.TLSCert != "" {
		scheme = "https"
	}
	slog.Info("hub listening", "addr", ln.Addr().String(), "tls", scheme == "https", "db", cfg.DatabasePath(), "hall", cfg.Hall.Code)
	fmt.Fprintf(stdout, "fengqiao hub: listening on %s://%s\n", scheme, ln.Addr())
	errc := make(chan error, 1)
	go func() {
		if scheme == "https" {
			errc <- srv.ServeTLS(ln, cfg.Hub.TLSCert, cfg.Hub.TLSKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	slog.Info("hub stopped")
	return nil
}

// startSync starts the worker that pushes the hall's events to the centre and pulls the centre's
// changes, when the configuration names a centre. It runs until ctx ends and never blocks the hub,
// except once after a restore or with --recover: the hall first takes back from the centre the
// events it lacks (hallsync.Worker.Recover), since events it issued before would clash with them.
func startSync(ctx context.Context, stdout io.Writer, cfg config.Config, hall *store.Hall) error {
	if cfg.Centre.SyncURL == "" || cfg.Centre.Token == "" {
		if cfg.Centre.SyncURL == "" {
			slog.Info("no centre configured; records stay in the hall until centre.sync_url is set")
		} else {
			// The hall must keep working: queue now, sync once the installer sets the token.
			slog.Warn("centre.sync_url is set but centre.token is empty; records stay in the hall until the site token is configured (fengqiao-center site add)")
		}
		return endRecoveryAlone(ctx, hall)
	}
	w, err := hallsync.New(hall, hallsync.Config{BaseURL: cfg.Centre.SyncURL, Token: cfg.Centre.Token})
	if err != nil {
		return fmt.Errorf("sync to the centre: %w", err)
	}
	if r, err := hall.DB().Recovery(ctx); err != nil {
		return err
	} else if r.Pending {
		slog.Info("restored or rebuilt database: recovering the hall's events from the centre before serving", "after", r.After)
		fmt.Fprintf(stdout, "fengqiao hub: recovering the hall's records after event %d from %s …\n", r.After, cfg.Centre.SyncURL)
		if err := w.RecoverUntilDone(ctx); err != nil {
			return fmt.Errorf("recover from the centre: %w", err)
		}
	}
	go func() {
		if err := w.Run(ctx); err != nil && ctx.Err() == nil {
			slog.Error("sync worker stopped", "err", err)
		}
	}()
	return nil
}

// endRecoveryAlone ends a pending recovery of a hall with no centre to recover from: what it
// holds is all there is.
func endRecoveryAlone(ctx context.Context, hall *store.Hall) error {
	r, err := hall.DB().Recovery(ctx)
	if err != nil || !r.Pending {
		return err
	}
	slog.Warn("restored database but no centre configured: nothing to recover", "after", r.After)
	return hall.FinishRecovery(ctx, r.After, nil, nil)
}
