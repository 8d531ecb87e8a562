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

// NewCmdRegion returns the region command group: the towns, counties and city the halls belong
// to (docs/centre.md, "Regions"). runF, when not nil, replaces the work of its commands (tests).
func NewCmdRegion(runF func(*AdminOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "region <command>",
		Short: "Arrange the halls in towns, counties and a city",
		Args:  commandArgs,
		RunE:  missingCommand,
	}
	ignoreFlags(cmd)
	cmd.AddCommand(
		adminCmd("add NAME", "Add a town, county or city", []string{"NAME"}, runF, regionAddRun,
			func(cmd *cobra.Command, o *AdminOptions) {
				cmd.Flags().StringVar((*string)(&o.Level), "level", "", "the region's `LEVEL`: town, county or city (required)")
				cmd.Flags().StringVar(&o.Parent, "parent", "", "the `REGION` it belongs to: a town's county, a county's city")
			}),
		adminCmd("list", "Show the regions as a tree, with their halls", nil, runF, regionListRun, nil),
	)
	return cmd
}

// newSitePlaceCmd returns the site place command.
func newSitePlaceCmd(runF func(*AdminOptions) error) *cobra.Command {
	return adminCmd("place NAME", "Put a hall in a town (--town \"\" takes it out)", []string{"NAME"}, runF,
		func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			site, err := siteID(ctx, st, o.Args[0])
			if err != nil {
				return err
			}
			town, err := regionID(ctx, st, o.Town, center.LevelTown)
			if err != nil {
				return err
			}
			return st.PlaceSite(ctx, site, town)
		}, func(cmd *cobra.Command, o *AdminOptions) {
			cmd.Flags().StringVar(&o.Town, "town", "", "the `TOWN` the hall belongs to (required; \"\" for none)")
			cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
				if !cmd.Flags().Changed("town") {
					return usageErrorf("--town is required (--town \"\" takes the hall out of its town)")
				}
				return nil
			}
		})
}

func regionAddRun(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
	if !o.Level.Valid() {
		return usageErrorf("--level must be town, county or city, not %q", o.Level)
	}
	parent, err := regionID(ctx, st, o.Parent, o.Level.Parent())
	if err != nil {
		return err
	}
	r, err := st.AddRegion(ctx, o.Args[0], o.Level, parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Err, "%s %d %q added\n", r.Level, r.ID, r.Name)
	return nil
}

func regionListRun(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
	regions, err := st.Regions(ctx)
	if err != nil {
		return err
	}
	sites, err := st.Sites(ctx)
	if err != nil {
		return err
	}
	writeTree(o.IO.Out, center.NewTree(regions), sites)
	return nil
}

// writeTree prints the regions indented under their parents, each town with its halls, and the
// halls in no town last.
func writeTree(w io.Writer, t center.Tree, sites []center.Site) {
	halls := map[int64][]string{}
	for _, s := range sites {
		halls[s.Town] = append(halls[s.Town], s.Name)
	}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, r := range t.Children(parent) {
			indent := strings.Repeat("  ", depth)
			fmt.Fprintf(w, "%s%s %s (%s)\n", indent, r.Level.Label(), r.Name, r.Level)
			for _, h := range halls[r.ID] {
				fmt.Fprintf(w, "%s  站点 %s\n", indent, h)
			}
			walk(r.ID, depth+1)
		}
	}
	walk(0, 0)
	if len(halls[0]) > 0 {
		fmt.Fprintf(w, "not placed: %s\n", strings.Join(halls[0], ", "))
	}
}

// regionID finds a region by name or path ("" is none); level, if set, is the level it must have.
func regionID(ctx context.Context, st *sqlstore.Store, ref string, level center.Level) (int64, error) {
	if ref == "" {
		return 0, nil
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return 0, err
	}
	r, err := center.NewTree(regions).Find(ref, level)
	return r.ID, err
}
