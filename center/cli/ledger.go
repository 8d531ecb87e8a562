package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/app"
	"fengqiao/center/sqlstore"
)

// NewCmdLedger returns the ledger command group.
func NewCmdLedger(rebuildF func(*LedgerRebuildOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger <command>",
		Short: "Maintain the dispute ledger's counts",
		Args:  commandArgs,
		RunE:  missingCommand,
	}
	ignoreFlags(cmd)
	cmd.AddCommand(NewCmdLedgerRebuild(rebuildF))
	return cmd
}

// LedgerRebuildOptions are the settings of ledger rebuild.
type LedgerRebuildOptions struct {
	IO Streams
	DB string
}

// NewCmdLedgerRebuild returns the ledger rebuild command. runF, when not nil, replaces the work
// (tests).
func NewCmdLedgerRebuild(runF func(*LedgerRebuildOptions) error) *cobra.Command {
	opts := &LedgerRebuildOptions{}
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recount the dispute ledger's figures from the cases",
		Long: `Recount the dispute ledger's figures (the counts of cases by site, month, service, category,
status and owner that every sync keeps up to date) from the cases, in one transaction, in the
centre's time zone, and say how many counts were wrong. A changed dispute definition needs no
rebuild: what is a dispute is decided when the ledger is read. Rebuild after loading cases
around the centre (a restore, a bulk load) or to check the counts.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return ledgerRebuildRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	return cmd
}

func ledgerRebuildRun(ctx context.Context, opts *LedgerRebuildOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	changed, err := rebuildLedger(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "ledger counts rebuilt in %s: %d counts corrected\n", time.Since(start).Round(time.Millisecond), changed)
	return nil
}

// rebuildLedger recounts the ledger in the centre's time zone (app.DefaultRules).
func rebuildLedger(ctx context.Context, st *sqlstore.Store) (int, error) {
	_, off := time.Now().In(app.DefaultRules().Location).Zone()
	return st.RebuildLedger(ctx, off)
}
