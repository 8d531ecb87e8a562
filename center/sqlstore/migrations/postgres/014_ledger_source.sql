-- The ledger's counts (008) by how a case came in (cases.source) and its small grid (cases.grid_id,
-- 0 for none), so that the ledger's 按来源 and 按网格 figures and its source filter read the
-- counts too. The table, its functions and triggers are made again with the two columns, and the
-- table refilled from the cases.

DROP TRIGGER ledger_cases_update ON cases;
DROP TRIGGER ledger_cases_insert ON cases;
DROP FUNCTION ledger_cases();
DROP FUNCTION ledger_add(cases, BIGINT);
DROP TABLE ledger_counts;

CREATE TABLE ledger_counts (
	site_id        BIGINT NOT NULL,
	month          TEXT NOT NULL,
	service        TEXT NOT NULL,
	category       TEXT NOT NULL,
	status         TEXT NOT NULL,
	result         TEXT NOT NULL,
	escalated      BOOLEAN NOT NULL,
	owner          TEXT NOT NULL,
	worker_site_id BIGINT NOT NULL,
	source         TEXT NOT NULL,
	grid_id        BIGINT NOT NULL,
	n              BIGINT NOT NULL,
	PRIMARY KEY (site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id)
);

-- ledger_add counts the case c d times (1 or -1), dropping rows that count nothing.
CREATE FUNCTION ledger_add(c cases, d BIGINT) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION ledger_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM ledger_add(OLD, -1);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM ledger_add(NEW, 1);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER ledger_cases_insert AFTER INSERT OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION ledger_cases();
CREATE TRIGGER ledger_cases_update AFTER UPDATE ON cases FOR EACH ROW
	WHEN ((OLD.site_id, OLD.opened_at, OLD.service, OLD.category, OLD.status, OLD.result, OLD.escalated, OLD.owner,
		OLD.worker_site_id, OLD.source, OLD.grid_id) IS DISTINCT FROM (NEW.site_id, NEW.opened_at, NEW.service,
		NEW.category, NEW.status, NEW.result, NEW.escalated, NEW.owner, NEW.worker_site_id, NEW.source, NEW.grid_id))
	EXECUTE FUNCTION ledger_cases();

INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id,
	source, grid_id, n)
SELECT site_id, ledger_month(opened_at), service, category, status, result, owner = 'centre' OR escalated, owner,
	coalesce(worker_site_id, 0), source, coalesce(grid_id, 0), count(*)
FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
