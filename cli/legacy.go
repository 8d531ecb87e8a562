package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// singleDashLongFlags returns args with the single-dash long flags of Go's flag package, which
// the hall's commands used before cobra ("-config F", "-window=1"), spelled with two dashes. Only
// an argument "-name" or "-name=value" whose name (longer than one letter) is a long flag of the
// command being run is rewritten; everything else, and everything after "--", is left alone.
func singleDashLongFlags(root *cobra.Command, args []string) []string {
	cmd := target(root, args)
	cmd.InitDefaultHelpFlag() // so that "-help" is known too
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			continue
		}
		flag, _, _ := strings.Cut(a[1:], "=")
		if len(flag) > 1 && (cmd.Flags().Lookup(flag) != nil || cmd.InheritedFlags().Lookup(flag) != nil) {
			out[i] = "-" + a
		}
	}
	return out
}

// target is the command args name: the subcommands named in order, skipping flags, until an
// argument that names none.
func target(root *cobra.Command, args []string) *cobra.Command {
	cmd := root
	for _, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		sub := subcommand(cmd, a)
		if sub == nil {
			break
		}
		cmd = sub
	}
	return cmd
}

func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}
