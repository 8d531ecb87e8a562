-- Grids (网格) and the disputes 网格员 find on their rounds (docs/centre.md "Grids"). A village is
-- its hall (a site); a village has big grids, each with small grids. A 网格员 is a member of their
-- small grid(s), a 网格长 of a big grid.

CREATE TABLE grids (
	id         INTEGER PRIMARY KEY,
	site_id    BIGINT NOT NULL REFERENCES sites(id),
	parent_id  BIGINT REFERENCES grids(id),
	name       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (site_id, name)
);
CREATE INDEX grids_parent ON grids(parent_id);

CREATE TABLE grid_members (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	grid_id BIGINT NOT NULL REFERENCES grids(id),
	PRIMARY KEY (user_id, grid_id)
);
CREATE INDEX grid_members_grid ON grid_members(grid_id);

-- source is how a case came in (app.CaseSource: '' walk-in, grid, 12345, assigned); risk a grid
-- dispute's grade (app.Risk); grid_id its small grid.
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN risk TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN grid_id BIGINT REFERENCES grids(id);

-- parties counts a case's parties (群体性 when many); id_hash is the keyed hash of the visitor's ID
-- number (center key), kept for matching repeat visitors after retention clears the number.
ALTER TABLE cases ADD COLUMN parties INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN id_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_id_hash ON cases(id_hash) WHERE id_hash <> '';
CREATE INDEX cases_source ON cases(source, opened_at, code) WHERE source <> '';
CREATE INDEX cases_grid ON cases(grid_id, opened_at, code) WHERE grid_id IS NOT NULL;
