package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/config"
	"fengqiao/printing/spool"
)

// printQueueOptions are the options of the print-queue subcommands.
type printQueueOptions struct {
	hall    hallFlags
	force   bool          // print: a stale job too
	timeout time.Duration // print
}

func newPrintQueueCmd(e *env) *cobra.Command {
	return newGroup("print-queue", "list, print or discard the kiosk's queued receipts",
		newPrintQueueListCmd(e), newPrintQueuePrintCmd(e), newPrintQueueDiscardCmd(e))
}

func addPrintQueueFlags(cmd *cobra.Command, o *printQueueOptions) {
	addConfigFlag(cmd.Flags(), &o.hall.config, defaultConfig())
	addDataFlag(cmd.Flags(), &o.hall.data, "")
}

func newPrintQueueListCmd(e *env) *cobra.Command {
	var o printQueueOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the receipts waiting for the printer",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(context.Context) error {
				q, _, err := o.open()
				if err != nil {
					return err
				}
				return listPrintQueue(e.Out, q)
			})
		},
	}
	addPrintQueueFlags(cmd, &o)
	return cmd
}

func newPrintQueuePrintCmd(e *env) *cobra.Command {
	var o printQueueOptions
	cmd := &cobra.Command{
		Use:   "print ID",
		Short: "print a queued receipt now (--force for one older than kiosk.receipt_max_age)",
		Args:  oneArg("a job ID (see print-queue list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return o.print(ctx, e.Out, args[0]) })
		},
	}
	addPrintQueueFlags(cmd, &o)
	cmd.Flags().BoolVar(&o.force, "force", false, "print the receipt even though it is stale (older than kiosk.receipt_max_age)")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 30*time.Second, "give up printing after this long")
	return cmd
}

func newPrintQueueDiscardCmd(e *env) *cobra.Command {
	var o printQueueOptions
	cmd := &cobra.Command{
		Use:   "discard ID",
		Short: "remove a queued receipt without printing it",
		Args:  oneArg("a job ID (see print-queue list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.run(cmd, &o, func(context.Context) error {
				q, _, err := o.open()
				if err != nil {
					return err
				}
				if err := q.Discard(args[0]); err != nil {
					return err
				}
				fmt.Fprintf(e.Out, "discarded %s\n", args[0])
				return nil
			})
		},
	}
	addPrintQueueFlags(cmd, &o)
	return cmd
}

// open opens the kiosk's print queue.
func (o printQueueOptions) open() (*spool.Queue, config.Config, error) {
	cfg, err := o.hall.load()
	if err != nil {
		return nil, cfg, err
	}
	q, err := spool.Open(cfg.PrintQueueDir(), time.Duration(cfg.Kiosk.ReceiptMaxAge))
	return q, cfg, err
}

func listPrintQueue(w io.Writer, q *spool.Queue) error {
	jobs, err := q.Jobs()
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		fmt.Fprintln(w, "没有待打印的凭条。The print queue is empty.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTICKET\tSERVICE\tQUEUED\tATTEMPTS\tSTATE\tLAST ERROR")
	for _, j := range jobs {
		state := "waiting"
		switch {
		case j.Printing:
			state = "printing"
		case j.Stale || q.Age(j) > q.MaxAge():
			state = "stale: print --force or discard"
		}
		last := j.LastError
		if last == "" {
			last = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s ago\t%d\t%s\t%s\n", j.ID, j.Receipt.Ticket, j.Receipt.Service,
			q.Age(j).Round(time.Second), j.Attempts, state, last)
	}
	return tw.Flush()
}

// print prints one queued receipt to the configured printer, the kiosk's way.
func (o printQueueOptions) print(ctx context.Context, stdout io.Writer, id string) error {
	q, cfg, err := o.open()
	if err != nil {
		return err
	}
	if cfg.Devices.Printer == "" {
		return errors.New("no printer configured (devices.printer)")
	}
	print, err := receiptPrinter(cfg.Devices, cfg.Devices.Printer)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	st, err := q.Print(ctx, id, o.force, print)
	if errors.Is(err, spool.ErrStale) {
		return fmt.Errorf("%w; print it with --force once the visitor is there, or discard it", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "printed %s; paper: %s (%s)\n", id, st, st.Message())
	return nil
}
