-- The hierarchy a city's centre serves (docs/centre.md "Regions"): halls (sites) belong to a town;
-- towns to a county; counties to a city. A user scoped to a region sees the halls under it.

CREATE TABLE regions (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	level      TEXT NOT NULL CHECK (level IN ('town', 'county', 'city')),
	parent_id  BIGINT REFERENCES regions(id),
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX regions_name ON regions(COALESCE(parent_id, 0), name);
CREATE INDEX regions_parent ON regions(parent_id);

-- region_id is the town a hall belongs to (NULL: not placed yet, seen only by unscoped users).
ALTER TABLE sites ADD COLUMN region_id BIGINT REFERENCES regions(id);
CREATE INDEX sites_region ON sites(region_id);

-- A user scoped to a region sees every hall under it; users.site_id still scopes to one hall.
ALTER TABLE users ADD COLUMN region_id BIGINT REFERENCES regions(id);
