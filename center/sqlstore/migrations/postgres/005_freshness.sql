-- Freshness, catalogues and follow-ups of ratings (postgres).

-- A site's last contact: last_push_at (001) is any push, last_pull_at any pull of changes. backlog is
-- the number of events the hall still had to send at its last push. catalogue is the hall's own
-- description (wire.Catalogue as JSON, '' until it sends one), catalogue_at when it last came.
ALTER TABLE sites ADD COLUMN last_pull_at BIGINT;
ALTER TABLE sites ADD COLUMN backlog BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN catalogue TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN catalogue_at BIGINT;

-- staff is who was signed in at the window when the rated ticket was completed.
ALTER TABLE ratings ADD COLUMN staff TEXT NOT NULL DEFAULT '';

-- rating_followups are the follow-ups (回访) of bad ratings recorded at the centre, with or
-- without a case. A rating with a case also gets a follow-up entry on the case.
CREATE TABLE rating_followups (
	site_id   BIGINT NOT NULL REFERENCES sites(id),
	rating_id BIGINT NOT NULL,
	at        BIGINT NOT NULL,
	by_name   TEXT NOT NULL,
	result    TEXT NOT NULL,
	note      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (site_id, rating_id, at)
);
