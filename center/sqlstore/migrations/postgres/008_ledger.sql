-- The dispute ledger's figures kept up to date as cases change (docs/performance.md): the number
-- of cases per site, month opened, service, category, status, result, escalation and owner. A
-- trigger on cases moves a case between rows in the transaction that changes it, so a push's
-- figures commit with the push. Whether a row is a dispute is decided when the ledger is read,
-- from the catalogue of the moment, so a new dispute definition needs no rebuild;
-- `fengqiao-center ledger rebuild` recomputes the table from the cases all the same.

-- escalated marks a case that was ever escalated (上报): an 'escalated' history entry exists.
ALTER TABLE cases ADD COLUMN escalated BOOLEAN NOT NULL DEFAULT false;
UPDATE cases SET escalated = true WHERE code IN (SELECT code FROM case_entries WHERE kind = 'escalated');

-- accepted_at is the first 受理 of the case (its first 'accepted' status entry), from which the
-- open case's deadline runs: the dashboard's overdue list reads it without the history.
ALTER TABLE cases ADD COLUMN accepted_at BIGINT;
UPDATE cases c SET accepted_at = m.at FROM (SELECT code, min(at) AS at FROM case_entries
	WHERE kind = 'status' AND status = 'accepted' GROUP BY code) m WHERE c.code = m.code;

-- utc_offset is the offset in seconds of the centre's time zone, in which months are counted
-- (Asia/Shanghai: 28800). A centre configured with another zone rebuilds the table.
CREATE TABLE ledger_meta (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	utc_offset INTEGER NOT NULL
);
INSERT INTO ledger_meta (id, utc_offset) VALUES (1, 28800);

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
	n              BIGINT NOT NULL,
	PRIMARY KEY (site_id, month, service, category, status, result, escalated, owner, worker_site_id)
);

CREATE FUNCTION ledger_month(at BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
	SELECT to_char(to_timestamp(at / 1000000 + (SELECT utc_offset FROM ledger_meta)) AT TIME ZONE 'UTC', 'YYYY-MM')
$$;

-- ledger_add counts the case c d times (1 or -1), dropping rows that count nothing.
CREATE FUNCTION ledger_add(c cases, d BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	m TEXT := ledger_month(c.opened_at);
	up BOOLEAN := c.owner = 'centre' OR c.escalated;
	w BIGINT := coalesce(c.worker_site_id, 0);
BEGIN
	INSERT INTO ledger_counts AS l (site_id, month, service, category, status, result, escalated, owner, worker_site_id, n)
	VALUES (c.site_id, m, c.service, c.category, c.status, c.result, up, c.owner, w, d)
	ON CONFLICT (site_id, month, service, category, status, result, escalated, owner, worker_site_id)
	DO UPDATE SET n = l.n + excluded.n;
	IF d < 0 THEN
		DELETE FROM ledger_counts WHERE site_id = c.site_id AND month = m AND service = c.service
			AND category = c.category AND status = c.status AND result = c.result AND escalated = up
			AND owner = c.owner AND worker_site_id = w AND n = 0;
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
		OLD.worker_site_id) IS DISTINCT FROM (NEW.site_id, NEW.opened_at, NEW.service, NEW.category, NEW.status,
		NEW.result, NEW.escalated, NEW.owner, NEW.worker_site_id))
	EXECUTE FUNCTION ledger_cases();

-- An escalation entry marks its case (and so moves it in ledger_counts through the trigger above).
CREATE FUNCTION ledger_escalated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cases SET escalated = true WHERE code = NEW.code AND NOT escalated;
	RETURN NULL;
END $$;
CREATE TRIGGER ledger_escalated AFTER INSERT ON case_entries FOR EACH ROW WHEN (NEW.kind = 'escalated')
	EXECUTE FUNCTION ledger_escalated();

CREATE FUNCTION ledger_accepted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cases SET accepted_at = NEW.at WHERE code = NEW.code AND (accepted_at IS NULL OR accepted_at > NEW.at);
	RETURN NULL;
END $$;
CREATE TRIGGER ledger_accepted AFTER INSERT ON case_entries FOR EACH ROW
	WHEN (NEW.kind = 'status' AND NEW.status = 'accepted') EXECUTE FUNCTION ledger_accepted();

INSERT INTO ledger_counts (site_id, month, service, category, status, result, escalated, owner, worker_site_id, n)
SELECT site_id, ledger_month(opened_at), service, category, status, result, owner = 'centre' OR escalated, owner,
	coalesce(worker_site_id, 0), count(*)
FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
