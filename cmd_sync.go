package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"fengqiao/hallsync"
	"fengqiao/store"
)

func init() {
	register("sync", "show the state of the sync with the centre (sync status)", runSync)
}

func runSync(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(os.Stderr, "usage: fengqiao sync status [--config F] [--data DIR | --db PATH]")
		return errUsage
	}
	fs := newFlags("sync status")
	cfgPath := fs.String("config", "", "configuration file (default: the demo hall)")
	dataDir := fs.String("data", "", "data folder holding fengqiao.db (overrides data_dir)")
	dbPath := fs.String("db", "", "hall database file (overrides --data)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, *dataDir)
	if err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		path = cfg.DatabasePath()
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("hall database: %w", err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := hallsync.ReadStatus(ctx, db, time.Now())
	if err != nil {
		return err
	}
	printSyncStatus(os.Stdout, st)
	return nil
}

// printSyncStatus prints the status for people, in Chinese with English keys for scripts.
func printSyncStatus(w io.Writer, st hallsync.Status) {
	fmt.Fprintf(w, "backlog:        %d 条未同步 (events not yet confirmed by the centre)\n", st.Backlog)
	if st.Backlog > 0 {
		fmt.Fprintf(w, "oldest pending: %s ago\n", st.OldestPending.Round(time.Second))
	} else {
		fmt.Fprintln(w, "oldest pending: -")
	}
	fmt.Fprintf(w, "pushed through: event %d\n", st.Pushed)
	fmt.Fprintf(w, "pulled through: centre change %d\n", st.Pulled)
	if st.LastSuccess != nil {
		fmt.Fprintf(w, "last success:   %s\n", st.LastSuccess.Local().Format(time.DateTime))
	} else {
		fmt.Fprintln(w, "last success:   never")
	}
	if st.LastError != "" && st.LastErrorAt != nil {
		fmt.Fprintf(w, "last error:     %s (%s)\n", st.LastError, st.LastErrorAt.Local().Format(time.DateTime))
	}
}
