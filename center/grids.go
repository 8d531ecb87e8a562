package center

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"fengqiao/app"
)

// Grid is a grid (网格) of a village, the village being its hall (a site): a big grid (Parent 0)
// or a small grid of a big grid. A 网格员 (RoleGridWorker) is a member of their small grid(s), a
// 网格长 (RoleGridLeader) of their big grid. See docs/centre.md, "Grids".
type Grid struct {
	ID       int64
	Site     int64
	SiteName string
	Parent   int64 // the big grid of a small grid; 0 for a big grid
	Name     string
	Members  []GridMember
}

// Big reports whether the grid is a big grid.
func (g Grid) Big() bool { return g.Parent == 0 }

// GridMember is a user bound to a grid.
type GridMember struct {
	User int64
	Name string
	Role Role
}

// GridAdminStore keeps the grids and their members; package center/sqlstore implements it.
type GridAdminStore interface {
	// AddGrid adds a grid to the site's village: a big grid with parent 0, else a small grid of
	// the big grid parent (of the same site). Names are unique within a village (ECONFLICT).
	AddGrid(ctx context.Context, site, parent int64, name string) (Grid, error)
	// Grids returns the grids of a site (0: every site) with their members, by site, big grid,
	// then small grid (GridTree orders them for display).
	Grids(ctx context.Context, site int64) ([]Grid, error)
	// AddGridMember binds a user to a grid: a 网格员 to a small grid, a 网格长 to a big grid, and
	// only to a grid of their own site when they are scoped to one (EINVALID otherwise). Adding a
	// member twice is no error.
	AddGridMember(ctx context.Context, user string, grid int64) error
	// RemoveGridMember unbinds a user from a grid (ENOTFOUND if they were not bound).
	RemoveGridMember(ctx context.Context, user string, grid int64) error
}

// CheckGridMember reports whether a user of the role may be a member of the grid: 网格员 of small
// grids, 网格长 of big grids, and a user scoped to a site only of that site's grids.
func CheckGridMember(u User, g Grid) error {
	switch {
	case u.Role == RoleGridWorker && g.Big():
		return app.Errorf(app.EINVALID, "a grid worker (网格员) belongs to small grids, and %q is a big grid", g.Name)
	case u.Role == RoleGridLeader && !g.Big():
		return app.Errorf(app.EINVALID, "a grid leader (网格长) leads a big grid, and %q is a small grid", g.Name)
	case u.Role != RoleGridWorker && u.Role != RoleGridLeader:
		return app.Errorf(app.EINVALID, "only users of role %s or %s are grid members, not %s", RoleGridWorker, RoleGridLeader, u.Role)
	case u.Site != 0 && u.Site != g.Site:
		return app.Errorf(app.EINVALID, "the user is scoped to another village than grid %q", g.Name)
	}
	return nil
}

// VillageGrids are a village's big grids, each with its small grids.
type VillageGrids struct {
	Site int64
	Name string
	Big  []BigGrid
}

// BigGrid is a big grid with its small grids, by name.
type BigGrid struct {
	Grid
	Small []Grid
}

// GridTree arranges grids as villages (by site id) → big grids → small grids, by name.
func GridTree(grids []Grid) []VillageGrids {
	bySite := map[int64]*VillageGrids{}
	bigs := map[int64]*BigGrid{}
	var order []int64
	sorted := slices.Clone(grids)
	slices.SortFunc(sorted, func(a, b Grid) int { return cmp.Or(cmp.Compare(a.Site, b.Site), strings.Compare(a.Name, b.Name)) })
	for _, g := range sorted {
		if bySite[g.Site] == nil {
			bySite[g.Site] = &VillageGrids{Site: g.Site, Name: g.SiteName}
			order = append(order, g.Site)
		}
		if g.Big() {
			bigs[g.ID] = &BigGrid{Grid: g}
		}
	}
	for _, g := range sorted {
		if b := bigs[g.Parent]; !g.Big() && b != nil {
			b.Small = append(b.Small, g)
		}
	}
	out := make([]VillageGrids, 0, len(order))
	for _, site := range order {
		v := bySite[site]
		for _, g := range sorted {
			if g.Site == site && g.Big() {
				v.Big = append(v.Big, *bigs[g.ID])
			}
		}
		out = append(out, *v)
	}
	return out
}

// FindGrid finds a grid by reference: its id, "VILLAGE/NAME", or a name only one village uses.
func FindGrid(grids []Grid, ref string) (Grid, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, g := range grids {
			if g.ID == id {
				return g, nil
			}
		}
	}
	village, name, qualified := strings.Cut(ref, "/")
	var found []Grid
	for _, g := range grids {
		if qualified && g.SiteName == village && g.Name == name || !qualified && g.Name == ref {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return Grid{}, app.Errorf(app.ENOTFOUND, "no grid %q", ref)
	case 1:
		return found[0], nil
	}
	return Grid{}, app.Errorf(app.EINVALID, "%d villages have a grid %q: write it VILLAGE/%s", len(found), ref, ref)
}
