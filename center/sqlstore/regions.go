package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.RegionStore = (*Store)(nil)

// regionSites selects the ids of the halls under a region (its three arguments are the region's
// id): the region's own halls if it is a town, its towns' if a county, its counties' towns' if a
// city. AddRegion keeps the levels in that order, and halls are placed in towns only, so the
// three branches cover the subtree; each is an index lookup (regions_parent, sites_region).
const regionSites = `SELECT rs.id FROM sites rs WHERE rs.region_id IN (SELECT id FROM regions WHERE id = ?
	UNION ALL SELECT id FROM regions WHERE parent_id = ?
	UNION ALL SELECT rt.id FROM regions rt JOIN regions rp ON rp.id = rt.parent_id WHERE rp.parent_id = ?)`

// scopeOf returns the condition that limits the site column col to the scope, and its arguments;
// "" for every site.
func scopeOf(col string, scope center.Scope) (string, []any) {
	switch {
	case scope.Site != 0:
		return col + " = ?", []any{scope.Site}
	case scope.Region != 0:
		return col + " IN (" + regionSites + ")", []any{scope.Region, scope.Region, scope.Region}
	}
	return "", nil
}

// AddRegion implements center.RegionStore.
func (s *Store) AddRegion(ctx context.Context, name string, level center.Level, parent int64) (center.Region, error) {
	r := center.Region{Name: strings.TrimSpace(name), Level: level, Parent: parent}
	if !level.Valid() {
		return r, app.Errorf(app.EINVALID, "level must be town, county or city, not %q", level)
	}
	if r.Name == "" {
		return r, app.Errorf(app.EINVALID, "a region needs a name")
	}
	if err := center.ValidShort("region name", r.Name); err != nil {
		return r, err
	}
	if strings.Contains(r.Name, "/") {
		return r, app.Errorf(app.EINVALID, "a region's name may not contain /")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if parent != 0 {
			var pl string
			err := tx.QueryRowContext(ctx, s.rebind("SELECT level FROM regions WHERE id = ?"), parent).Scan(&pl)
			if errors.Is(err, sql.ErrNoRows) {
				return app.Errorf(app.ENOTFOUND, "no such parent region")
			}
			if err != nil {
				return dbErr("read parent region", err)
			}
			if center.Level(pl) != level.Parent() {
				return app.Errorf(app.EINVALID, "a %s cannot belong to a %s", level, pl)
			}
		}
		err := tx.QueryRowContext(ctx, s.rebind("INSERT INTO regions (name, level, parent_id, created_at) VALUES (?, ?, ?, ?) RETURNING id"),
			r.Name, string(level), nullInt(parent), micros(s.now())).Scan(&r.ID)
		if err != nil && isUnique(err) {
			return app.Errorf(app.ECONFLICT, "a region named %q exists there already", r.Name)
		}
		return dbErr("add region", err)
	})
	return r, err
}

// Regions implements center.RegionStore.
func (s *Store) Regions(ctx context.Context) ([]center.Region, error) {
	return queryAll(ctx, s, "read regions", "SELECT id, name, level, coalesce(parent_id, 0) FROM regions ORDER BY id", nil,
		func(row scanner) (center.Region, error) {
			var r center.Region
			err := row.Scan(&r.ID, &r.Name, &r.Level, &r.Parent)
			return r, err
		})
}

// PlaceSite implements center.RegionStore.
func (s *Store) PlaceSite(ctx context.Context, site, town int64) error {
	if town != 0 {
		var level string
		err := s.db.QueryRowContext(ctx, s.rebind("SELECT level FROM regions WHERE id = ?"), town).Scan(&level)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ENOTFOUND, "no such region")
		}
		if err != nil {
			return dbErr("read region", err)
		}
		if center.Level(level) != center.LevelTown {
			return app.Errorf(app.EINVALID, "a hall belongs to a town, not a %s", level)
		}
	}
	return s.updateOne(ctx, "place site", "no such site", "UPDATE sites SET region_id = ? WHERE id = ?", nullInt(town), site)
}

// SetUserRegion implements center.RegionStore.
func (s *Store) SetUserRegion(ctx context.Context, name string, region int64) error {
	if region != 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, s.rebind("SELECT count(*) FROM regions WHERE id = ?"), region).Scan(&n); err != nil {
			return dbErr("read region", err)
		}
		if n == 0 {
			return app.Errorf(app.ENOTFOUND, "no such region")
		}
	}
	return s.updateOne(ctx, "set user region", "no such user",
		"UPDATE users SET region_id = ?, site_id = CASE WHEN ? THEN NULL ELSE site_id END WHERE name = ?",
		nullInt(region), region != 0, name)
}

// resolveRegion fills in the halls of a region-scoped user's scope: one indexed query per request.
func (s *Store) resolveRegion(ctx context.Context, u *center.User) error {
	if u.Region == 0 || u.Site != 0 {
		return nil
	}
	ids, err := queryAll(ctx, s, "read region sites", s.rebind(regionSites+" ORDER BY rs.id"),
		[]any{u.Region, u.Region, u.Region}, func(row scanner) (int64, error) {
			var id int64
			err := row.Scan(&id)
			return id, err
		})
	u.RegionSites = ids
	return err
}
