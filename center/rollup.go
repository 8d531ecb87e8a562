package center

import (
	"fmt"
	"net/http"
	"strconv"

	"fengqiao/app"
)

// Crumb is one step of the overview's breadcrumb; Link is "" for the step shown.
type Crumb struct {
	Label string
	Link  string
}

// Rollup is one row of the overview's roll-up: a region or a hall one level below the view,
// with the ledger figures of its halls.
type Rollup struct {
	Rate
	Level   string // 市, 县, 镇 or 站点
	Link    string // the drill-down: the overview of the row (GET parameters, ids only)
	Halls   int
	Overdue int
	Lost    int // halls out of contact
}

// overview is what the dashboard's overview shows of the hierarchy: which part of the user's
// scope it looks at, the way there, and the level below.
type overview struct {
	Scope  Scope
	Crumbs []Crumb
	Region int64  // the region looked at; 0 for the user's whole scope or for one hall
	Site   int64  // the hall looked at, if one
	Below  string // the label of the level the roll-up counts by, "" for no roll-up
}

// viewOf reads the overview's drill-down parameters, region=ID or site=ID, against the user's
// scope. A region or hall outside the scope is ENOTFOUND, as if it did not exist.
func viewOf(r *http.Request, u User, tree Tree, sites []Site) (overview, error) {
	v := overview{Scope: u.Scope(), Region: u.Region}
	if u.Site != 0 {
		v.Region = 0
	}
	top := Crumb{Label: u.ScopeName()}
	if u.Region != 0 {
		top.Label = u.RegionLevel.Label() + " " + u.RegionName
	}
	v.Crumbs = []Crumb{top}
	q := r.URL.Query()
	notFound := app.Errorf(app.ENOTFOUND, "no such region or site")
	if ref := q.Get("region"); ref != "" {
		id, err := strconv.ParseInt(ref, 10, 64)
		if _, ok := tree.Region(id); err != nil || !ok || u.Site != 0 || u.Region != 0 && !tree.Under(id, u.Region) {
			return v, notFound
		}
		v.Region, v.Scope = id, Scope{Region: id, Sites: tree.SitesUnder(sites, id)}
		v.Crumbs = append(v.Crumbs, crumbsDown(tree, u, id)...)
	}
	if ref := q.Get("site"); ref != "" {
		id, err := strconv.ParseInt(ref, 10, 64)
		i := siteIndex(sites, id)
		if err != nil || i < 0 || !v.Scope.Allows(id) {
			return v, notFound
		}
		if q.Get("region") == "" && sites[i].Town != 0 && u.Site == 0 {
			// A hall reached from the whole scope: show the way down to it.
			v.Crumbs = append(v.Crumbs, crumbsDown(tree, u, sites[i].Town)...)
		}
		v.Site, v.Region, v.Scope = id, 0, Scope{Site: id}
		v.Crumbs = append(v.Crumbs, Crumb{Label: "站点 " + sites[i].Name})
	}
	if len(v.Crumbs) > 1 {
		v.Crumbs[0].Link = "/dashboard"
	}
	v.Crumbs[len(v.Crumbs)-1].Link = ""
	return v, nil
}

// crumbsDown returns the steps from below the user's region down to region id.
func crumbsDown(tree Tree, u User, id int64) []Crumb {
	var out []Crumb
	for _, rg := range tree.Path(id) {
		if rg.ID != u.Region && (u.Region == 0 || tree.Under(rg.ID, u.Region)) {
			out = append(out, Crumb{Label: rg.Level.Label() + " " + rg.Name, Link: fmt.Sprintf("/dashboard?region=%d", rg.ID)})
		}
	}
	return out
}

func siteIndex(sites []Site, id int64) int {
	for i, s := range sites {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// rollup counts the ledger by the level below the view: a city's counties, a county's towns, a
// town's halls; for the whole centre, its top regions, with the halls in no town as one row.
// It reuses the ledger's per-hall figures (Ledger.BySite, OverdueBySite) and the halls' freshness; or,
// when below is not nil, the rates of the regions below by id (regionLedger), the halls in no
// town having the rest of the ledger's total.
// Nothing when the view is one hall, or when the centre has no regions.
func rollup(v *overview, tree Tree, l Ledger, fresh []Freshness, below map[int64]Rate) []Rollup {
	if v.Site != 0 || v.Scope.Site != 0 || len(tree.byID) == 0 {
		return nil
	}
	var rows []Rollup
	index := map[int64]int{}                         // region or hall id → row
	group := func(f Freshness) int64 { return f.ID } // a town's halls are their own rows
	if r, ok := tree.Region(v.Region); ok && r.Level == LevelTown {
		v.Below = "站点"
		for _, f := range fresh {
			index[f.ID] = len(rows)
			rows = append(rows, Rollup{Rate: Rate{Label: f.Name}, Level: "站点", Link: fmt.Sprintf("/dashboard?site=%d", f.ID)})
		}
	} else {
		children := tree.Children(v.Region)
		if len(children) > 0 {
			v.Below = children[0].Level.Label()
		}
		for _, c := range children {
			index[c.ID] = len(rows)
			rows = append(rows, Rollup{Rate: Rate{Label: c.Name}, Level: c.Level.Label(), Link: fmt.Sprintf("/dashboard?region=%d", c.ID)})
		}
		group = func(f Freshness) int64 {
			for _, rg := range tree.Path(f.Town) {
				if _, ok := index[rg.ID]; ok {
					return rg.ID
				}
			}
			return 0 // in no town: only a centre-wide view has them
		}
		index[0] = len(rows)
		rows = append(rows, Rollup{Rate: Rate{Label: "未划入镇的站点"}, Level: "站点"})
	}
	rates := map[string]Rate{}
	for _, r := range l.BySite {
		rates[r.Key] = r
	}
	overdue := l.OverdueBySite
	if overdue == nil { // a ledger not built by LedgerBuilder: count its list
		overdue = map[int64]int{}
		for _, o := range l.Overdue {
			overdue[o.Site]++
		}
	}
	for _, f := range fresh {
		i, ok := index[group(f)]
		if !ok {
			continue
		}
		row := &rows[i]
		rate := rates[fmt.Sprint(f.ID)]
		row.Halls++
		row.Registered += rate.Registered
		row.Resolved += rate.Resolved
		row.Overdue += overdue[f.ID]
		if f.Lost {
			row.Lost++
		}
	}
	if below != nil {
		rest := l.Total
		for id, i := range index {
			if id != 0 {
				rows[i].Registered, rows[i].Resolved = below[id].Registered, below[id].Resolved
				rest.Registered, rest.Resolved = rest.Registered-below[id].Registered, rest.Resolved-below[id].Resolved
			}
		}
		if i, ok := index[0]; ok {
			rows[i].Registered, rows[i].Resolved = rest.Registered, rest.Resolved
		}
	}
	if last := rows[len(rows)-1]; last.Link == "" && last.Halls == 0 {
		rows = rows[:len(rows)-1] // no hall outside the towns
	}
	return rows
}

// rollupRates returns the rows' figures for the roll-up chart.
func rollupRates(rows []Rollup) []Rate {
	out := make([]Rate, len(rows))
	for i, r := range rows {
		out[i] = r.Rate
		out[i].Key = strconv.Itoa(i)
	}
	return out
}
