package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// tree is a small command tree shaped like both binaries': a command with flags, a group with a
// subcommand, a persistent flag on the root and a boolean flag.
func tree() *cobra.Command {
	root := &cobra.Command{Use: "fq"}
	root.PersistentFlags().String("db", "", "")
	hub := &cobra.Command{Use: "hub", Run: func(*cobra.Command, []string) {}}
	hub.Flags().String("config", "", "")
	hub.Flags().String("name", "", "")
	hub.Flags().BoolP("json", "j", false, "")
	hub.Flags().StringP("out", "o", "", "")
	sync := &cobra.Command{Use: "sync"}
	status := &cobra.Command{Use: "status", Run: func(*cobra.Command, []string) {}}
	status.Flags().String("config", "", "")
	sync.AddCommand(status)
	root.AddCommand(hub, sync)
	return root
}

func TestLongFlags(t *testing.T) {
	tests := []struct{ args, want string }{
		{"hub -config /x", "hub --config /x"},
		{"hub -config=/x -db=d", "hub --config=/x --db=d"}, // an inherited flag too
		{"sync status -config F", "sync status --config F"},
		{"hub -json -config F", "hub --json --config F"}, // a boolean takes no value
		{"hub -help", "hub --help"},                      // help is known
		{"hub --config /x", "hub --config /x"},           // already two dashes
		{"hub -j -o x", "hub -j -o x"},                   // single letters are shorthands
		{"hub -bogus", "hub -bogus"},                     // not a flag: cobra refuses it
		{"hub --name -config", "hub --name -config"},     // a value that starts with a dash
		{"hub -name -config", "hub --name -config"},      // the same, old style
		{"hub -- -config", "hub -- -config"},             // after --, an argument
		{"hub B.db -config F", "hub B.db --config F"},    // after a positional too
		{"-config F hub", "--config F hub"},              // before its command, still its flag
		{"-bogus F hub", "-bogus F hub"},                 // nobody's flag: cobra refuses it
		{"sync -config F", "sync -config F"},             // the group has none either
		{"hub - -config F", "hub - --config F"},          // "-" is an argument (stdin)
	}
	for _, tt := range tests {
		got := strings.Join(LongFlags(tree(), strings.Fields(tt.args)), " ")
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
		}
	}
	if got := LongFlags(tree(), nil); got == nil {
		t.Error("no arguments gave nil: cobra would read os.Args")
	}
}

func TestTarget(t *testing.T) {
	tests := []struct{ args, want string }{
		{"", "fq"},
		{"hub -config x", "hub"},
		{"--db x sync status", "status"},
		{"sync nosuch status", "sync"},
		{"-- hub", "fq"},
		{"sync --config F status", "status"}, // a flag of a command further on the line
	}
	for _, tt := range tests {
		if got := Target(tree(), strings.Fields(tt.args)).Name(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
		}
	}
}
