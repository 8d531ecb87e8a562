// Package cli is the command line of the fengqiao hall binary: one cobra command per role or tool
// (hub, kiosk, window, display, rate, doctor, …), each built by its own newXCmd constructor.
// Execute runs a command line and returns the process's exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"fengqiao/internal/cmdutil"
)

// Streams are the standard streams the commands read and write.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// env is what every command shares: the streams, and how a command runs once its command line
// has been checked.
type env struct {
	Streams
	// parsed, when set, receives each command's options instead of the command running: the
	// parsing tests read the real command tree through it.
	parsed func(cmd *cobra.Command, opts any)
}

// run runs do with the command's context, or hands opts to e.parsed when only parsing. An error
// from do is a runtime failure (exit code 1); every other error is a usage error (exit code 2).
func (e *env) run(cmd *cobra.Command, opts any, do func(ctx context.Context) error) error {
	if e.parsed != nil {
		e.parsed(cmd, opts)
		return nil
	}
	if err := do(cmd.Context()); err != nil {
		return &runError{err: err}
	}
	return nil
}

// runError is the failure of a command that ran, as opposed to a command line that was refused.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// NewRoot returns the fengqiao command tree, reading and writing s.
func NewRoot(s Streams) *cobra.Command {
	return newRoot(&env{Streams: s})
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "fengqiao",
		Short: "Fengqiao (枫桥) hall software",
		Long: "Fengqiao (枫桥) hall software: the hub that holds a reception hall's queue, and the kiosk,\n" +
			"window console, hall display and rating pad that use it.",
		SilenceErrors: true, // Execute prints them, with the exit code that fits
		SilenceUsage:  true, // a failing hub is no reason to print its flags
	}
	root.SetIn(e.In)
	root.SetOut(e.Out)
	root.SetErr(e.Err)
	root.AddCommand(
		newHubCmd(e),
		newKioskCmd(e),
		newDemoCmd(e),
		newWindowCmd(e),
		newDisplayCmd(e),
		newRateCmd(e),
		newDoctorCmd(e),
		newDevicesCmd(e),
		newIDCardCmd(e),
		newPrintTestCmd(e),
		newPrintQueueCmd(e),
		newSyncCmd(e),
		newBackupCmd(e),
		newRestoreCmd(e),
		newPINHashCmd(e),
		newStaffCmd(e),
		newSetupKioskCmd(e),
	)
	return root
}

// Execute runs the command line args (without the program name) and returns the exit code:
// 0 on success, 1 when the command failed, 2 when the command line was wrong.
func Execute(ctx context.Context, args []string, s Streams) int {
	return execute(ctx, newRoot(&env{Streams: s}), args)
}

func execute(ctx context.Context, root *cobra.Command, args []string) int {
	root.SetArgs(cmdutil.LongFlags(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	stderr := root.ErrOrStderr()
	if re := (*runError)(nil); errors.As(err, &re) {
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), re.err)
		return cmdutil.ExitFailure
	}
	fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", root.Name(), err, cmd.CommandPath())
	return cmdutil.ExitUsage
}

// commandName is the command's path below the root, e.g. "sync status".
func commandName(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// noArgs refuses any positional argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown argument %q: %s takes no arguments", args[0], commandName(cmd))
	}
	return nil
}

// oneArg accepts exactly one positional argument, described by what.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("%s needs %s", commandName(cmd), what)
		case len(args) > 1:
			return fmt.Errorf("unknown argument %q: %s takes one argument, %s", args[1], commandName(cmd), what)
		}
		return nil
	}
}

// newGroup returns a command that only holds subcommands: run alone, or with a name it does not
// know, it is a usage error that lists them.
func newGroup(use, short string, subs ...*cobra.Command) *cobra.Command {
	group := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs, // RunE names what is wrong
		RunE: func(cmd *cobra.Command, args []string) error {
			names := make([]string, 0, len(subs))
			for _, s := range subs {
				names = append(names, s.Name())
			}
			if len(args) == 0 {
				return fmt.Errorf("%s needs a subcommand: %s", commandName(cmd), strings.Join(names, ", "))
			}
			return fmt.Errorf("unknown subcommand %q: %s has %s", args[0], commandName(cmd), strings.Join(names, ", "))
		},
	}
	group.AddCommand(subs...)
	return group
}
