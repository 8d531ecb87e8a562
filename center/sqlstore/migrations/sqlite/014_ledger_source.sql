-- The ledger's counts by source and small grid: see the PostgreSQL migration.

DROP TRIGGER ledger_cases_insert;
DROP TRIGGER ledger_cases_delete;
DROP TRIGGER ledger_cases_update;
DROP TABLE ledger_counts;

CREATE TABLE ledger_counts (
	site_id        INTEGER NOT NULL,
	month          TEXT NOT NULL,
	service        TEXT NOT NULL,
	category       TEXT NOT NULL,
	status         TEXT NOT NULL,
	result         TEXT NOT NULL,
	escalated      INTEGER NOT NULL,
	owner          TEXT NOT NULL,
	worker_site_id INTEGER NOT NULL,
	source         TEXT NOT NULL,
	grid_id        INTEGER NOT NULL,
	n              INTEGER NOT NULL,
	PRIMARY KEY (site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id)
);

CREATE TRIGGER ledger_cases_insert AFTER INSERT ON cases BEGIN
	INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id,
		source, grid_id, n)
	VALUES (NEW.site_id, strftime('%Y-%m', NEW.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'),
		NEW.service, NEW.category, NEW.status, NEW.result, NEW.owner = 'centre' OR NEW.escalated, NEW.owner,
		coalesce(NEW.worker_site_id, 0), NEW.source, coalesce(NEW.grid_id, 0), 1)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id)
	DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ledger_cases_delete AFTER DELETE ON cases BEGIN
	UPDATE ledger_counts SET n = n - 1 WHERE site_id = OLD.site_id
		AND month = strftime('%Y-%m', OLD.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch')
		AND service = OLD.service AND category = OLD.category AND status = OLD.status AND result = OLD.result
		AND escalated = (OLD.owner = 'centre' OR OLD.escalated) AND owner = OLD.owner
		AND worker_site_id = coalesce(OLD.worker_site_id, 0) AND source = OLD.source
		AND grid_id = coalesce(OLD.grid_id, 0);
	DELETE FROM ledger_counts WHERE n = 0 AND site_id = OLD.site_id;
END;

CREATE TRIGGER ledger_cases_update AFTER UPDATE OF site_id, opened_at, service, category, status, result, escalated,
	owner, worker_site_id, source, grid_id ON cases
	WHEN OLD.site_id IS NOT NEW.site_id OR OLD.opened_at IS NOT NEW.opened_at OR OLD.service IS NOT NEW.service
		OR OLD.category IS NOT NEW.category OR OLD.status IS NOT NEW.status OR OLD.result IS NOT NEW.result
		OR OLD.escalated IS NOT NEW.escalated OR OLD.owner IS NOT NEW.owner OR OLD.worker_site_id IS NOT NEW.worker_site_id
		OR OLD.source IS NOT NEW.source OR OLD.grid_id IS NOT NEW.grid_id
BEGIN
	UPDATE ledger_counts SET n = n - 1 WHERE site_id = OLD.site_id
		AND month = strftime('%Y-%m', OLD.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch')
		AND service = OLD.service AND category = OLD.category AND status = OLD.status AND result = OLD.result
		AND escalated = (OLD.owner = 'centre' OR OLD.escalated) AND owner = OLD.owner
		AND worker_site_id = coalesce(OLD.worker_site_id, 0) AND source = OLD.source
		AND grid_id = coalesce(OLD.grid_id, 0);
	DELETE FROM ledger_counts WHERE n = 0 AND site_id = OLD.site_id;
	INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id,
		source, grid_id, n)
	VALUES (NEW.site_id, strftime('%Y-%m', NEW.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'),
		NEW.service, NEW.category, NEW.status, NEW.result, NEW.owner = 'centre' OR NEW.escalated, NEW.owner,
		coalesce(NEW.worker_site_id, 0), NEW.source, coalesce(NEW.grid_id, 0), 1)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id)
	DO UPDATE SET n = n + 1;
END;

INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id,
	source, grid_id, n)
SELECT site_id, strftime('%Y-%m', opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'), service,
	category, status, result, owner = 'centre' OR escalated, owner, coalesce(worker_site_id, 0), source,
	coalesce(grid_id, 0), count(*)
FROM cases WHERE true GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
