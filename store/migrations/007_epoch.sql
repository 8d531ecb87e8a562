-- hall_meta holds facts about the database itself. epoch names this database's event log: event
-- ids on the hub's stream are <epoch>-<id>, so a client holding an id of another log (a restored
-- or replaced database) is told to start again instead of waiting for ids that will never come.
CREATE TABLE hall_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO hall_meta (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
