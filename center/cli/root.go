// Package cli holds the commands of fengqiao-center, the centre's server. Each command or
// command group has its own file with a constructor returning a *cobra.Command: the command
// parses its line into an Options struct, then a run function does the work with it.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"fengqiao/internal/cmdutil"
)

// Exit statuses of Execute, the same as the hall binary's.
const (
	ExitOK    = cmdutil.ExitOK
	ExitError = cmdutil.ExitFailure // the work failed
	ExitUsage = cmdutil.ExitUsage   // the command line is wrong
)

// NewCmdRoot returns the fengqiao-center command and its subcommands. runF, when not nil, is
// called with the parsed options of the command being run (*ServeOptions, *SiteAddOptions, …)
// instead of its work: tests use it to check the parsing alone.
func NewCmdRoot(runF func(opts any) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fengqiao-center",
		Short: "The server of the county or township governance centre (综治中心)",
		Long: `The server of the county or township governance centre (综治中心): it receives the records of
every hall and serves the centre's staff.

Every command that reads the database takes --db DSN, a PostgreSQL URL
(postgres://user@host:port/db?sslmode=…) or sqlite:PATH; it defaults to $FENGQIAO_CENTER_DB.
Tokens are shown once and stored only as hashes.`,
		Example: `  fengqiao-center serve --db sqlite:/var/lib/fengqiao-center/center.db --listen :8480
  fengqiao-center site add --db "$DB" --phone 0575-87011001 枫源村
  fengqiao-center retention --db "$DB" --after 1095d`,
		Args:          commandArgs,
		RunE:          missingCommand,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	ignoreFlags(cmd)
	// A command group runs only to refuse a missing or unknown command: its usage shows the
	// commands, not a line of its own.
	cmd.SetUsageTemplate(strings.Replace(cmd.UsageTemplate(), "{{if .Runnable}}",
		"{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.AddCommand(
		NewCmdServe(hook[ServeOptions](runF)),
		NewCmdSite(hook[SiteAddOptions](runF), hook[SitePhoneOptions](runF), hook[AdminOptions](runF)),
		NewCmdUser(hook[UserAddOptions](runF), hook[AdminOptions](runF)),
		NewCmdToken(hook[AdminOptions](runF)),
		NewCmdRetention(hook[RetentionOptions](runF)),
		NewCmdGrid(hook[GridOptions](runF)),
		NewCmdDemo(hook[DemoOptions](runF)),
		NewCmdBenchTracking(hook[BenchTrackingOptions](runF)),
		NewCmdBenchCaseList(hook[BenchCaseListOptions](runF)),
		NewCmdRegion(hook[AdminOptions](runF)),
		NewCmdLedger(hook[LedgerRebuildOptions](runF)),
		NewCmdBench(hook[BenchOptions](runF)),
	)
	return cmd
}

// hook adapts NewCmdRoot's runF to one command's options.
func hook[T any](runF func(any) error) func(*T) error {
	if runF == nil {
		return nil
	}
	return func(opts *T) error { return runF(opts) }
}

// Execute runs the command line args (without the program name) through root and returns the
// process's exit status: ExitOK, ExitUsage after printing the error and the command's usage,
// or ExitError after printing why the work failed.
func Execute(ctx context.Context, root *cobra.Command, args []string) int {
	root.SetArgs(cmdutil.LongFlags(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if cmd == nil {
		cmd = root
	}
	stderr := root.ErrOrStderr()
	fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
	if errors.As(err, new(usageError)) {
		fmt.Fprintf(stderr, "\n%s", cmd.UsageString())
		return ExitUsage
	}
	return ExitError
}

// usageError is a mistake on the command line, as opposed to a failure of the work.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exactArgs accepts the named positional arguments, no fewer and no more.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) > len(names):
			return usageErrorf("unexpected argument %q", args[len(names)])
		case len(args) < len(names):
			return usageErrorf("missing %s", strings.Join(names[len(args):], " "))
		}
		return nil
	}
}

// commandArgs refuses the words after a command group that name none of its commands.
func commandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	cmd.SuggestionsMinimumDistance = 2
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return usageErrorf("unknown command %q; did you mean %q?", args[0], s[0])
	}
	return usageErrorf("unknown command %q", args[0])
}

// ignoreFlags lets a command group pass over the flags of its commands, so that a line with an
// unknown command is refused for that, not for a flag the group does not know.
func ignoreFlags(group *cobra.Command) {
	group.FParseErrWhitelist.UnknownFlags = true
}

// missingCommand is the work of a command group called without one of its commands.
func missingCommand(*cobra.Command, []string) error {
	return usageErrorf("missing command")
}

// Streams are the standard streams a command reads and writes.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// streamsOf returns the streams cobra gives cmd: the process's, or those a test set on the root.
func streamsOf(cmd *cobra.Command) Streams {
	return Streams{In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr()}
}

// DBEnv names the environment variable holding the default of --db.
const DBEnv = "FENGQIAO_CENTER_DB"

// addDBFlag defines --db on cmd, the one definition every command uses, and resolves it before
// the command runs: without the flag, $FENGQIAO_CENTER_DB; without either, a usage error.
func addDBFlag(cmd *cobra.Command, dsn *string) {
	cmd.Flags().StringVar(dsn, "db", "",
		"database `DSN`: postgres://user@host:port/db?sslmode=… or sqlite:PATH (default $"+DBEnv+")")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if *dsn == "" {
			*dsn = os.Getenv(DBEnv)
		}
		if *dsn == "" {
			return usageErrorf("no database: give --db postgres://… or --db sqlite:PATH, or set $%s", DBEnv)
		}
		return nil
	}
}
