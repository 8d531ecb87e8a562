package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/center/sqlstore"
)

// RetentionOptions are the settings of retention.
type RetentionOptions struct {
	IO    Streams
	DB    string
	After Days
}

// NewCmdRetention returns the retention command. runF, when not nil, replaces the work (tests).
func NewCmdRetention(runF func(*RetentionOptions) error) *cobra.Command {
	opts := &RetentionOptions{}
	cmd := &cobra.Command{
		Use:   "retention --after DAYS",
		Short: "Strip the personal data of long-closed cases",
		Long: `Blank the name, ID number, phone, summary and history notes of every case closed longer
ago than --after. The cases keep counting in the ledger. serve --retain does the same daily.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.After == 0 {
				return usageErrorf("--after is required, e.g. --after 1095d")
			}
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return retentionRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	cmd.Flags().Var(&opts.After, "after", "strip cases closed longer ago than `DAYS`, e.g. 1095d")
	return cmd
}

func retentionRun(ctx context.Context, opts *RetentionOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	before := time.Now().Add(-opts.After.Duration())
	n, err := st.StripPersonalData(ctx, before)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "stripped personal data of %d cases closed before %s\n", n, before.Format(time.DateOnly))
	return nil
}
