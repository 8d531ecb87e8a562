package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// GridOptions are the settings of the grid commands.
type GridOptions struct {
	IO      Streams
	DB      string
	Command string   // add, list, member add, member remove
	Args    []string // the command's positional arguments
	Village string   // the village's site (add: required; list: optional)
	Big     string   // add: the big grid of the new small grid; "" adds a big grid
}

// NewCmdGrid returns the grid command group. runF, when not nil, replaces the work of its
// commands (tests).
func NewCmdGrid(runF func(*GridOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grid <command>",
		Short: "Set up the villages' grids (网格) and their 网格员 and 网格长",
		Long: `Set up the grids of each village (a village is its hall's site): big grids, each with small
grids. A 网格员 (a user of role gridworker, made with user add --role gridworker) is a member of
their small grid(s); a 网格长 (role gridleader) of their big grid.`,
		Args: commandArgs,
		RunE: missingCommand,
	}
	ignoreFlags(cmd)
	add := gridCmd("add NAME", "Add a big grid to a village, or with --big a small grid to a big grid",
		[]string{"NAME"}, "add", runF, func(c *cobra.Command, o *GridOptions) {
			c.Flags().StringVar(&o.Village, "village", "", "the village's `SITE` (required)")
			c.Flags().StringVar(&o.Big, "big", "", "the big grid `NAME` the new small grid belongs to")
		})
	list := gridCmd("list", "List the grids as a tree with their members", nil, "list", runF,
		func(c *cobra.Command, o *GridOptions) {
			c.Flags().StringVar(&o.Village, "village", "", "only the grids of the village `SITE`")
		})
	member := &cobra.Command{Use: "member <command>", Short: "Bind users to grids", Args: commandArgs, RunE: missingCommand}
	ignoreFlags(member)
	member.AddCommand(
		gridCmd("add USER GRID", "Bind a 网格员 to a small grid or a 网格长 to a big grid (GRID: ID, VILLAGE/NAME or NAME)",
			[]string{"USER", "GRID"}, "member add", runF, nil),
		gridCmd("remove USER GRID", "Unbind a user from a grid", []string{"USER", "GRID"}, "member remove", runF, nil))
	cmd.AddCommand(add, list, member)
	return cmd
}

// gridCmd returns one grid command.
func gridCmd(use, short string, args []string, name string, runF func(*GridOptions) error,
	flags func(*cobra.Command, *GridOptions)) *cobra.Command {
	opts := &GridOptions{Command: name}
	cmd := &cobra.Command{
		Use: use, Short: short, Args: exactArgs(args...),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.IO, opts.Args = streamsOf(cmd), a
			if name == "add" && opts.Village == "" {
				return usageErrorf("--village is required: the village's site")
			}
			if runF != nil {
				return runF(opts)
			}
			st, err := sqlstore.Open(cmd.Context(), opts.DB)
			if err != nil {
				return err
			}
			defer st.Close()
			return gridRun(cmd.Context(), st, opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	if flags != nil {
		flags(cmd, opts)
	}
	return cmd
}

// gridRun does the work of a grid command.
func gridRun(ctx context.Context, st *sqlstore.Store, o *GridOptions) error {
	village, err := siteID(ctx, st, o.Village)
	if err != nil {
		return err
	}
	grids, err := st.Grids(ctx, village)
	if err != nil {
		return err
	}
	switch o.Command {
	case "list":
		printGridTree(o.IO.Out, center.GridTree(grids))
		return nil
	case "add":
		var parent int64
		if o.Big != "" {
			big, err := center.FindGrid(grids, o.Big)
			if err != nil {
				return err
			}
			if !big.Big() {
				return fmt.Errorf("%q is a small grid: --big names a big grid", o.Big)
			}
			parent = big.ID
		}
		g, err := st.AddGrid(ctx, village, parent, o.Args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(o.IO.Err, "grid %d %q added to %s\n", g.ID, g.Name, g.SiteName)
		return nil
	case "member add", "member remove":
		g, err := center.FindGrid(grids, o.Args[1])
		if err != nil {
			return err
		}
		if o.Command == "member add" {
			return st.AddGridMember(ctx, o.Args[0], g.ID)
		}
		return st.RemoveGridMember(ctx, o.Args[0], g.ID)
	}
	return fmt.Errorf("unknown grid command %q", o.Command)
}

// printGridTree writes villages, big grids and small grids, indented, each with its members.
func printGridTree(w io.Writer, villages []center.VillageGrids) {
	members := func(g center.Grid) string {
		var names []string
		for _, m := range g.Members {
			names = append(names, m.Name+" ("+string(m.Role)+")")
		}
		if len(names) == 0 {
			return ""
		}
		return "  — " + strings.Join(names, ", ")
	}
	for _, v := range villages {
		fmt.Fprintln(w, v.Name)
		for _, b := range v.Big {
			fmt.Fprintf(w, "  %d %s%s\n", b.ID, b.Name, members(b.Grid))
			for _, g := range b.Small {
				fmt.Fprintf(w, "    %d %s%s\n", g.ID, g.Name, members(g))
			}
		}
	}
}
