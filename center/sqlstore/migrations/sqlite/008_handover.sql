-- handler_site is the site the centre handed a case to, to work it (a village's case escalated to
-- the town and handed to the town hall); NULL while the case is worked by its own site or the
-- centre. From the handover on, that site owns the case and the centre relays its events on the
-- case to the case's own site (docs/sync.md, "Who owns a case").
ALTER TABLE cases ADD COLUMN handler_site BIGINT REFERENCES sites(id);
