-- A hall's history has an identity (SQLite): each hall database carries an epoch, and a restored or
-- rebuilt hall starts a new one. The centre records the epoch each event came under and every epoch
-- of a site, so that it never takes a restored hall's new events for duplicates of older ones.

-- epoch is the hall epoch the event was pushed under; '' for events from before epochs.
ALTER TABLE events ADD COLUMN epoch TEXT NOT NULL DEFAULT '';

-- site_epochs are the epochs a site has pushed or recovered under. legacy_through, on a site's first
-- epoch only, is the high-water mark when it was first seen: the events up to it came before epochs
-- and belong to it. recovered_through is how far the hall of this epoch took the site's events back
-- from the centre (GET /api/v1/sync/recover): its log is the centre's up to there.
CREATE TABLE site_epochs (
	site_id           BIGINT NOT NULL REFERENCES sites(id),
	epoch             TEXT NOT NULL,
	legacy_through    BIGINT NOT NULL DEFAULT 0,
	recovered_through BIGINT NOT NULL DEFAULT 0,
	first_seen_at     BIGINT NOT NULL,
	PRIMARY KEY (site_id, epoch)
);
