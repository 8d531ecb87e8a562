package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.GridAdminStore = (*Store)(nil)

// AddGrid implements center.GridAdminStore.
func (s *Store) AddGrid(ctx context.Context, site, parent int64, name string) (center.Grid, error) {
	name = strings.TrimSpace(name)
	g := center.Grid{Site: site, Parent: parent, Name: name}
	if name == "" || strings.Contains(name, "/") {
		return g, app.Errorf(app.EINVALID, "a grid needs a name without /")
	}
	if err := center.ValidShort("grid name", name); err != nil {
		return g, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.rebind("SELECT name FROM sites WHERE id = ?"), site).Scan(&g.SiteName); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return app.Errorf(app.ENOTFOUND, "no such site")
			}
			return dbErr("add grid", err)
		}
		if parent != 0 {
			var psite int64
			var grand sql.NullInt64
			err := tx.QueryRowContext(ctx, s.rebind("SELECT site_id, parent_id FROM grids WHERE id = ?"), parent).Scan(&psite, &grand)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && psite != site:
				return app.Errorf(app.ENOTFOUND, "no such big grid in the village")
			case err != nil:
				return dbErr("add grid", err)
			case grand.Valid:
				return app.Errorf(app.EINVALID, "a small grid belongs to a big grid, not to another small grid")
			}
		}
		err := tx.QueryRowContext(ctx, s.rebind(`INSERT INTO grids (site_id, parent_id, name, created_at) VALUES (?, ?, ?, ?)
			RETURNING id`), site, nullInt(parent), name, micros(s.now())).Scan(&g.ID)
		if err != nil && isUnique(err) {
			return app.Errorf(app.ECONFLICT, "the village has a grid named %q already", name)
		}
		return dbErr("add grid", err)
	})
	return g, err
}

// Grids implements center.GridAdminStore.
func (s *Store) Grids(ctx context.Context, site int64) ([]center.Grid, error) {
	where, args := scoped("g.site_id", center.Scope{Site: site})
	grids, err := queryAll(ctx, s, "read grids", s.rebind(`SELECT g.id, g.site_id, s.name, coalesce(g.parent_id, 0), g.name
		FROM grids g JOIN sites s ON s.id = g.site_id WHERE 1 = 1`+where+` ORDER BY g.site_id, g.name`), args,
		func(row scanner) (center.Grid, error) {
			var g center.Grid
			err := row.Scan(&g.ID, &g.Site, &g.SiteName, &g.Parent, &g.Name)
			return g, err
		})
	if err != nil {
		return nil, err
	}
	type member struct {
		grid int64
		center.GridMember
	}
	members, err := queryAll(ctx, s, "read grid members", s.rebind(`SELECT m.grid_id, u.id, u.name, u.role
		FROM grid_members m JOIN users u ON u.id = m.user_id JOIN grids g ON g.id = m.grid_id WHERE 1 = 1`+where+
		` ORDER BY u.name`), args,
		func(row scanner) (member, error) {
			var m member
			var role string
			err := row.Scan(&m.grid, &m.User, &m.Name, &role)
			m.Role = center.Role(role)
			return m, err
		})
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, g := range grids {
		at[g.ID] = i
	}
	for _, m := range members {
		if i, ok := at[m.grid]; ok {
			grids[i].Members = append(grids[i].Members, m.GridMember)
		}
	}
	return grids, nil
}

// AddGridMember implements center.GridAdminStore.
func (s *Store) AddGridMember(ctx context.Context, user string, grid int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, g, err := s.memberAndGrid(ctx, tx, user, grid)
		if err != nil {
			return err
		}
		if err := center.CheckGridMember(u, g); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO grid_members (user_id, grid_id) VALUES (?, ?)
			ON CONFLICT (user_id, grid_id) DO NOTHING`), u.ID, g.ID)
		return dbErr("add grid member", err)
	})
}

// RemoveGridMember implements center.GridAdminStore.
func (s *Store) RemoveGridMember(ctx context.Context, user string, grid int64) error {
	return s.updateOne(ctx, "remove grid member", "the user is not a member of the grid",
		"DELETE FROM grid_members WHERE grid_id = ? AND user_id = (SELECT id FROM users WHERE name = ?)", grid, user)
}

// memberAndGrid reads the user and the grid a membership would bind.
func (s *Store) memberAndGrid(ctx context.Context, tx *sql.Tx, user string, grid int64) (center.User, center.Grid, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, s.rebind("SELECT "+userColumns+userFrom+"WHERE u.name = ?"), user))
	if errors.Is(err, sql.ErrNoRows) {
		return u, center.Grid{}, app.Errorf(app.ENOTFOUND, "no such user")
	}
	if err != nil {
		return u, center.Grid{}, dbErr("read user", err)
	}
	g := center.Grid{ID: grid}
	err = tx.QueryRowContext(ctx, s.rebind("SELECT site_id, coalesce(parent_id, 0), name FROM grids WHERE id = ?"), grid).
		Scan(&g.Site, &g.Parent, &g.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return u, g, app.Errorf(app.ENOTFOUND, "no such grid")
	}
	return u, g, dbErr("read grid", err)
}

// dropUnfitMemberships unbinds a user whose role or scope changed from the grids they may no
// longer belong to (center.CheckGridMember): every grid for a role that is not a grid role, the
// big grids of a 网格员, the small grids of a 网格长, and the grids of other villages.
func (s *Store) dropUnfitMemberships(ctx context.Context, tx *sql.Tx, user string, role center.Role, site int64) error {
	unfit := "1 = 1"
	switch role {
	case center.RoleGridWorker:
		unfit = "g.parent_id IS NULL"
	case center.RoleGridLeader:
		unfit = "g.parent_id IS NOT NULL"
	}
	args := []any{user}
	if site != 0 {
		unfit, args = unfit+" OR g.site_id <> ?", append(args, site)
	}
	_, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM grid_members WHERE user_id = (SELECT id FROM users WHERE name = ?)
		AND grid_id IN (SELECT g.id FROM grids g WHERE `+unfit+`)`), args...)
	return dbErr("drop grid memberships", err)
}
