// Package cmdutil holds what the command lines of both binaries, fengqiao and fengqiao-center,
// share: their exit codes and the reading of the single-dash long flags that Go's flag package
// accepted before the commands moved to cobra.
package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes of both binaries.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command ran and failed
	ExitUsage   = 2 // the command line was wrong; nothing ran
)

// LongFlags returns args with the single-dash long flags of Go's flag package ("-config F",
// "-db=X") spelled with two dashes, as cobra reads them. Only an argument "-name" or
// "-name=value" whose name (longer than one letter) is a long flag of the command args run is
// rewritten; single letters stay shorthands, the value of a flag is left alone even when it
// starts with a dash, and so is everything after "--". The result is never nil, since cobra
// reads os.Args when given nil.
func LongFlags(root *cobra.Command, args []string) []string {
	cmd := Target(root, args)
	cmd.InitDefaultHelpFlag() // so that "-help" is known too
	out := make([]string, 0, len(args))
	value := false // the previous word was a flag waiting for its value
	for i, a := range args {
		switch {
		case value:
			value = false
		case a == "--":
			return append(out, args[i:]...)
		case strings.HasPrefix(a, "-") && a != "-":
			name, _, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
			f := lookup(cmd, name)
			if f != nil && len(name) > 1 && !strings.HasPrefix(a, "--") {
				a = "-" + a
			}
			value = f != nil && strings.HasPrefix(a, "--") && !inline && f.NoOptDefVal == ""
		}
		out = append(out, a)
	}
	return out
}

// Target returns the command that args name: the subcommands named in order, skipping flags
// and their values, until a word that names none.
func Target(root *cobra.Command, args []string) *cobra.Command {
	cmd := root
	value := false
	for _, a := range args {
		switch {
		case value:
			value = false
		case a == "--":
			return cmd
		case strings.HasPrefix(a, "-"):
			name, _, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
			f := lookup(cmd, name)
			if f == nil {
				f = lookupBelow(cmd, name) // a flag of a command further on the line
			}
			value = f != nil && !inline && f.NoOptDefVal == ""
		default:
			sub := subcommand(cmd, a)
			if sub == nil {
				return cmd
			}
			cmd = sub
		}
	}
	return cmd
}

// lookup finds the flag name among cmd's own, persistent and inherited flags.
func lookup(cmd *cobra.Command, name string) *pflag.Flag {
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.PersistentFlags(), cmd.InheritedFlags()} {
		if f := fs.Lookup(name); f != nil {
			return f
		}
	}
	return nil
}

// lookupBelow finds the flag name among the flags of cmd's subcommands, at any depth.
func lookupBelow(cmd *cobra.Command, name string) *pflag.Flag {
	for _, c := range cmd.Commands() {
		if f := c.Flags().Lookup(name); f != nil {
			return f
		}
		if f := lookupBelow(c, name); f != nil {
			return f
		}
	}
	return nil
}

func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}
