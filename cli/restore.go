package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/store"
)

type restoreOptions struct {
	hall   hallFlags
	backup string
}

func newRestoreCmd(e *env) *cobra.Command {
	var o restoreOptions
	cmd := &cobra.Command{
		Use:   "restore BACKUP.db",
		Short: "replace the hall database with a backup (stop the hub first)",
		Long: "Replace the hall database with a backup. Stop the hub first (systemctl stop fengqiao-hub);\n" +
			"the database replaced is kept beside it.",
		Args: oneArg("the backup file to restore"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.backup = args[0]
			return e.run(cmd, &o, func(ctx context.Context) error { return runRestore(ctx, e.Out, o) })
		},
	}
	addHallFlags(cmd.Flags(), &o.hall)
	return cmd
}

func runRestore(ctx context.Context, stdout io.Writer, o restoreOptions) error {
	cfg, err := o.hall.load()
	if err != nil {
		return err
	}
	if hubRunning(ctx, cfg.Hub.Listen) {
		return fmt.Errorf("the hub is running on %s; stop it first (systemctl stop fengqiao-hub)", cfg.Hub.Listen)
	}
	kept, err := store.Restore(ctx, o.backup, cfg.DatabasePath())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s\n", o.backup, cfg.DatabasePath())
	if kept != "" {
		fmt.Fprintf(stdout, "the previous database is kept as %s\n", kept)
	}
	return nil
}

// hubRunning reports whether a hub answers on the listen address.
func hubRunning(ctx context.Context, listen string) bool {
	host := listen
	if strings.HasPrefix(host, "0.0.0.0:") || strings.HasPrefix(host, ":") {
		host = "127.0.0.1:" + host[strings.LastIndex(host, ":")+1:]
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
