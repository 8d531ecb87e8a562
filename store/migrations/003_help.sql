-- Help alerts: a visitor at the kiosk pressed 呼叫工作人员; every console shows the alert until
-- someone takes it.
CREATE TABLE help_alerts (
	id         INTEGER PRIMARY KEY,
	source     TEXT NOT NULL,
	raised_at  INTEGER NOT NULL,
	taken_by   TEXT NOT NULL DEFAULT '',
	taken_at   INTEGER
);
CREATE INDEX help_alerts_open ON help_alerts(taken_at);
