-- The dispute ledger's figures kept up to date as cases change: see the PostgreSQL migration.

ALTER TABLE cases ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET escalated = 1 WHERE code IN (SELECT code FROM case_entries WHERE kind = 'escalated');

ALTER TABLE cases ADD COLUMN accepted_at INTEGER;
UPDATE cases SET accepted_at = (SELECT min(at) FROM case_entries e WHERE e.code = cases.code AND e.kind = 'status'
	AND e.status = 'accepted');

CREATE TABLE ledger_meta (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	utc_offset INTEGER NOT NULL
);
INSERT INTO ledger_meta (id, utc_offset) VALUES (1, 28800);

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
	n              INTEGER NOT NULL,
	PRIMARY KEY (site_id, month, service, category, status, result, escalated, owner, worker_site_id)
);

CREATE TRIGGER ledger_cases_insert AFTER INSERT ON cases BEGIN
	INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id, n)
	VALUES (NEW.site_id, strftime('%Y-%m', NEW.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'),
		NEW.service, NEW.category, NEW.status, NEW.result, NEW.owner = 'centre' OR NEW.escalated, NEW.owner,
		coalesce(NEW.worker_site_id, 0), 1)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id)
	DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ledger_cases_delete AFTER DELETE ON cases BEGIN
	UPDATE ledger_counts SET n = n - 1 WHERE site_id = OLD.site_id
		AND month = strftime('%Y-%m', OLD.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch')
		AND service = OLD.service AND category = OLD.category AND status = OLD.status AND result = OLD.result
		AND escalated = (OLD.owner = 'centre' OR OLD.escalated) AND owner = OLD.owner
		AND worker_site_id = coalesce(OLD.worker_site_id, 0);
	DELETE FROM ledger_counts WHERE n = 0 AND site_id = OLD.site_id;
END;

CREATE TRIGGER ledger_cases_update AFTER UPDATE OF site_id, opened_at, service, category, status, result, escalated,
	owner, worker_site_id ON cases
	WHEN OLD.site_id IS NOT NEW.site_id OR OLD.opened_at IS NOT NEW.opened_at OR OLD.service IS NOT NEW.service
		OR OLD.category IS NOT NEW.category OR OLD.status IS NOT NEW.status OR OLD.result IS NOT NEW.result
		OR OLD.escalated IS NOT NEW.escalated OR OLD.owner IS NOT NEW.owner OR OLD.worker_site_id IS NOT NEW.worker_site_id
BEGIN
	UPDATE ledger_counts SET n = n - 1 WHERE site_id = OLD.site_id
		AND month = strftime('%Y-%m', OLD.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch')
		AND service = OLD.service AND category = OLD.category AND status = OLD.status AND result = OLD.result
		AND escalated = (OLD.owner = 'centre' OR OLD.escalated) AND owner = OLD.owner
		AND worker_site_id = coalesce(OLD.worker_site_id, 0);
	DELETE FROM ledger_counts WHERE n = 0 AND site_id = OLD.site_id;
	INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id, n)
	VALUES (NEW.site_id, strftime('%Y-%m', NEW.opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'),
		NEW.service, NEW.category, NEW.status, NEW.result, NEW.owner = 'centre' OR NEW.escalated, NEW.owner,
		coalesce(NEW.worker_site_id, 0), 1)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id)
	DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ledger_escalated AFTER INSERT ON case_entries WHEN NEW.kind = 'escalated' BEGIN
	UPDATE cases SET escalated = 1 WHERE code = NEW.code AND escalated = 0;
END;

CREATE TRIGGER ledger_accepted AFTER INSERT ON case_entries WHEN NEW.kind = 'status' AND NEW.status = 'accepted' BEGIN
	UPDATE cases SET accepted_at = NEW.at WHERE code = NEW.code AND (accepted_at IS NULL OR accepted_at > NEW.at);
END;

INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id, n)
SELECT site_id, strftime('%Y-%m', opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch'), service,
	category, status, result, owner = 'centre' OR escalated, owner, coalesce(worker_site_id, 0), count(*)
FROM cases WHERE true GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
