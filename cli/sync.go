package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/hallsync"
	"fengqiao/store"
)

func newSyncCmd(e *env) *cobra.Command {
	return newGroup("sync", "show the state of the sync with the centre (sync status)", newSyncStatusCmd(e))
}

type syncStatusOptions struct {
	hall hallFlags
	db   string
}

func newSyncStatusCmd(e *env) *cobra.Command {
	var o syncStatusOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "the backlog of events not yet confirmed by the centre, and the last success and error",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runSyncStatus(ctx, e.Out, o) })
		},
	}
	addHallFlags(cmd.Flags(), &o.hall)
	cmd.Flags().StringVar(&o.db, "db", "", "hall database `file` (overrides --data)")
	return cmd
}

func runSyncStatus(ctx context.Context, stdout io.Writer, o syncStatusOptions) error {
	cfg, err := o.hall.load()
	if err != nil {
		return err
	}
	path := o.db
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
	printSyncStatus(stdout, st)
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
	if st.Recovering {
		fmt.Fprintln(w, "recovery:       pending: the hub takes the hall's records back from the centre when it starts")
	}
	if st.Lost > 0 {
		fmt.Fprintf(w, "lost:           %d 条记录在恢复备份时丢失 (events a client saw that never reached the centre)\n", st.Lost)
	}
}
