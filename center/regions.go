package center

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"fengqiao/app"
)

// Level is the rank of a region in the hierarchy a city's centre serves: halls (sites) belong to
// a town, towns to a county, counties to a city.
type Level string

// Levels, from the lowest.
const (
	LevelTown   Level = "town"   // 镇（街道）
	LevelCounty Level = "county" // 县（区、县级市）
	LevelCity   Level = "city"   // 市
)

// Levels lists every level from the lowest.
var Levels = []Level{LevelTown, LevelCounty, LevelCity}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// Label returns the level in Chinese.
func (l Level) Label() string {
	switch l {
	case LevelTown:
		return "镇"
	case LevelCounty:
		return "县"
	case LevelCity:
		return "市"
	}
	return string(l)
}

// Parent returns the level a region of level l sits in ("" for a city).
func (l Level) Parent() Level {
	switch l {
	case LevelTown:
		return LevelCounty
	case LevelCounty:
		return LevelCity
	}
	return ""
}

// Region is a town, county or city.
type Region struct {
	ID     int64
	Name   string
	Level  Level
	Parent int64 // the region it belongs to; 0 for a top region
}

// RegionStore keeps the hierarchy. Package center/sqlstore implements it.
type RegionStore interface {
	// AddRegion adds a region under parent (0: a top region). A parent must be of the next level
	// up: a town's a county, a county's a city; a city has none. EINVALID otherwise, ECONFLICT
	// for a name its parent has already.
	AddRegion(ctx context.Context, name string, level Level, parent int64) (Region, error)
	// Regions returns every region, by id.
	Regions(ctx context.Context) ([]Region, error)
	// PlaceSite puts a hall in a town (0: takes it out of any). EINVALID if the region is not a town.
	PlaceSite(ctx context.Context, site, town int64) error
	// SetUserRegion scopes a user to a region (0: none); it clears the user's site scope.
	SetUserRegion(ctx context.Context, name string, region int64) error
}

// Tree is the hierarchy as loaded from the store, to walk without further queries.
type Tree struct {
	byID     map[int64]Region
	children map[int64][]Region // by parent, 0 for the top regions; each sorted by name
}

// NewTree indexes regions.
func NewTree(regions []Region) Tree {
	t := Tree{byID: map[int64]Region{}, children: map[int64][]Region{}}
	for _, r := range regions {
		t.byID[r.ID] = r
		t.children[r.Parent] = append(t.children[r.Parent], r)
	}
	for _, c := range t.children {
		slices.SortFunc(c, func(a, b Region) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	}
	return t
}

// Region returns a region by id.
func (t Tree) Region(id int64) (Region, bool) {
	r, ok := t.byID[id]
	return r, ok
}

// Children returns the regions directly under id (0: the top regions), by name.
func (t Tree) Children(id int64) []Region { return t.children[id] }

// Path returns the region and the regions above it, the top one first.
func (t Tree) Path(id int64) []Region {
	var path []Region
	for r, ok := t.byID[id]; ok && len(path) < len(Levels); r, ok = t.byID[r.Parent] {
		path = append(path, r)
	}
	slices.Reverse(path)
	return path
}

// Under reports whether region id is region top or lies beneath it.
func (t Tree) Under(id, top int64) bool {
	return slices.ContainsFunc(t.Path(id), func(r Region) bool { return r.ID == top })
}

// PathName names a region by its path, as in 绍兴市/诸暨市/枫桥镇.
func (t Tree) PathName(id int64) string {
	var names []string
	for _, r := range t.Path(id) {
		names = append(names, r.Name)
	}
	return strings.Join(names, "/")
}

// Find returns the region a reference names: its name, or the end of its path ("诸暨市/城关镇")
// where two regions share a name. level, if set, is the level it must have.
func (t Tree) Find(ref string, level Level) (Region, error) {
	ref = strings.Trim(strings.TrimSpace(ref), "/")
	var found []Region
	for _, r := range t.byID {
		if (level == "" || r.Level == level) && (t.PathName(r.ID) == ref || strings.HasSuffix(t.PathName(r.ID), "/"+ref) || r.Name == ref) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		what := "region"
		if level != "" {
			what = string(level)
		}
		return Region{}, app.Errorf(app.ENOTFOUND, "no %s named %q", what, ref)
	case 1:
		return found[0], nil
	}
	return Region{}, app.Errorf(app.EINVALID, "%d regions are named %q: name it by its path, as PARENT/NAME", len(found), ref)
}

// SitesUnder returns the ids of the sites in region top's subtree, in id order.
func (t Tree) SitesUnder(sites []Site, top int64) []int64 {
	var ids []int64
	for _, s := range sites {
		if s.Town != 0 && t.Under(s.Town, top) {
			ids = append(ids, s.ID)
		}
	}
	slices.Sort(ids)
	return ids
}
