package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/store"
)

type backupOptions struct {
	hall hallFlags
	out  string
}

func newBackupCmd(e *env) *cobra.Command {
	var o backupOptions
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "copy the hall database safely while the hall is open",
		Long: "Copy the hall database safely while the hall is open (an online SQLite backup), and print\n" +
			"the backup file's path.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runBackup(ctx, e.Out, o) })
		},
	}
	addHallFlags(cmd.Flags(), &o.hall)
	cmd.Flags().StringVar(&o.out, "out", "", "backup `file` (default: <data>/backups/fengqiao-<time>.db)")
	return cmd
}

func runBackup(ctx context.Context, stdout io.Writer, o backupOptions) error {
	cfg, err := o.hall.load()
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("no hall database at %s", cfg.DatabasePath())
	}
	db, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer db.Close()
	path := o.out
	if path == "" {
		path = filepath.Join(cfg.DataDir, "backups", "fengqiao-"+time.Now().Format("20060102-150405")+".db")
	}
	if err := db.Backup(ctx, path); err != nil {
		return err
	}
	fmt.Fprintln(stdout, path)
	return nil
}
