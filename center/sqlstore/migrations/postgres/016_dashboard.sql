-- The dashboard at a city's size (issue 21). Each site's satisfaction is summed from the ratings
-- of the scope (center.SatisfactionCounter) by an index-only scan of this index, not by reading
-- every rating into the centre.
CREATE INDEX ratings_site_score ON ratings(site_id, score);

-- The open cases with what their deadlines need (center.OverdueCounter): a county's or a city's
-- dashboard counts its overdue cases, and finds the most overdue, from this index alone.
CREATE INDEX cases_open_deadline ON cases(site_id, service, status, opened_at, accepted_at) INCLUDE (category, source, code)
	WHERE status NOT IN ('closed', 'rejected');

-- ledger_regions sums ledger_counts by region, so that a county's or a city's dashboard reads a
-- few thousand rows whatever its cases (docs/performance.md "Centre: a city"): the counts of the
-- halls of each town, county and city (region_id), and of every hall (region_id 0), by month
-- (and over all months, month ''), service, category, status, result and source. It is not written in the sync transaction —
-- a row of a city would be locked by every push of the city — but from ledger_log, to which
-- ledger_add appends each change it counts (and a trigger on sites each hall moved to another
-- town), and which a reader of ledger_regions first folds in (Store.FoldLedgerLog), so
-- the sums are those of every committed change, without a hot row on the push path.
CREATE TABLE ledger_regions (
	region_id BIGINT NOT NULL,
	month     TEXT NOT NULL,
	service   TEXT NOT NULL,
	category  TEXT NOT NULL,
	status    TEXT NOT NULL,
	result    TEXT NOT NULL,
	source    TEXT NOT NULL,
	n         BIGINT NOT NULL,
	PRIMARY KEY (region_id, month, service, category, status, result, source)
);

-- ledger_log holds the changes of ledger_counts not yet summed into ledger_regions, by the town
-- of the hall when they were made (0: a hall in no town).
CREATE TABLE ledger_log (
	id       BIGSERIAL PRIMARY KEY,
	town_id  BIGINT NOT NULL,
	month    TEXT NOT NULL,
	service  TEXT NOT NULL,
	category TEXT NOT NULL,
	status   TEXT NOT NULL,
	result   TEXT NOT NULL,
	source   TEXT NOT NULL,
	n        BIGINT NOT NULL
);

-- ledger_add (centre migration 014) logs each change it counts, with the hall's town: in the
-- function, not in a trigger on ledger_counts, which made a case's change markedly dearer
-- (docs/performance.md "The dashboard at a city's size").
CREATE OR REPLACE FUNCTION ledger_add(c cases, d BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	m TEXT := ledger_month(c.opened_at);
	up BOOLEAN := c.owner = 'centre' OR c.escalated;
	w BIGINT := coalesce(c.worker_site_id, 0);
	g BIGINT := coalesce(c.grid_id, 0);
BEGIN
	INSERT INTO ledger_counts AS l (site_id, month, service, category, status, result, escalated, owner, worker_site_id,
		source, grid_id, n)
	VALUES (c.site_id, m, c.service, c.category, c.status, c.result, up, c.owner, w, c.source, g, d)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id)
	DO UPDATE SET n = l.n + excluded.n;
	IF d < 0 THEN
		DELETE FROM ledger_counts WHERE site_id = c.site_id AND month = m AND service = c.service
			AND category = c.category AND status = c.status AND result = c.result AND escalated = up
			AND owner = c.owner AND worker_site_id = w AND source = c.source AND grid_id = g AND n = 0;
	END IF;
	INSERT INTO ledger_log (town_id, month, service, category, status, result, source, n)
	SELECT coalesce((SELECT region_id FROM sites WHERE id = c.site_id), 0), m, c.service, c.category, c.status,
		c.result, c.source, d;
END $$;

-- A hall placed in another town takes its counts along: out of the old town's regions, into the
-- new one's.
CREATE FUNCTION ledger_log_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO ledger_log (town_id, month, service, category, status, result, source, n)
	SELECT t.town, l.month, l.service, l.category, l.status, l.result, l.source, t.sign * l.n
	FROM ledger_counts l, (VALUES (coalesce(OLD.region_id, 0), -1), (coalesce(NEW.region_id, 0), 1)) AS t(town, sign)
	WHERE l.site_id = NEW.id;
	RETURN NULL;
END $$;

CREATE TRIGGER ledger_log_site AFTER UPDATE OF region_id ON sites FOR EACH ROW
	WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) EXECUTE FUNCTION ledger_log_site();

-- The counts so far, summed by region here (as Store.FoldLedgerLog does), so that the first
-- reader does not have to fold the whole city.
WITH counts AS (SELECT coalesce(s.region_id, 0) AS town_id, l.month, l.service, l.category, l.status, l.result,
		l.source, l.n FROM ledger_counts l JOIN sites s ON s.id = l.site_id),
	up AS (SELECT a.region_id, mo.month, m.service, m.category, m.status, m.result, m.source, m.n FROM counts m
		LEFT JOIN regions t ON t.id = m.town_id LEFT JOIN regions c ON c.id = t.parent_id
		LEFT JOIN regions p ON p.id = c.parent_id
		CROSS JOIN LATERAL (VALUES (0::bigint), (t.id), (c.id), (p.id)) AS a(region_id)
		CROSS JOIN LATERAL (VALUES (m.month), ('')) AS mo(month)
		WHERE a.region_id IS NOT NULL)
INSERT INTO ledger_regions (region_id, month, service, category, status, result, source, n)
SELECT region_id, month, service, category, status, result, source, sum(n) FROM up GROUP BY 1, 2, 3, 4, 5, 6, 7;
