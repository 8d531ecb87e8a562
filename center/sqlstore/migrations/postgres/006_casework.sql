-- The town's case workspace: the escalation inbox, the case list and the work done on a case at the
-- centre (docs/centre.md "Cases").

-- escalation_accepted_at is when the centre took an escalated case on (受理上报); NULL while it
-- waits in the inbox. worker_site_id is the site the centre handed the case to work it (the town
-- hall), NULL while the centre works it itself. referral_deadline is the due date of a referral
-- (转办), YYYY-MM-DD.
ALTER TABLE cases ADD COLUMN escalation_accepted_at BIGINT;
ALTER TABLE cases ADD COLUMN worker_site_id BIGINT REFERENCES sites(id);
ALTER TABLE cases ADD COLUMN referral_deadline TEXT NOT NULL DEFAULT '';

-- The case list pages newest first by (opened_at, code); each filter that narrows a lot has an index
-- that keeps that order, so a page reads about as many rows as it shows.
CREATE INDEX cases_opened ON cases(opened_at, code);
CREATE INDEX cases_site_opened ON cases(site_id, opened_at, code);
CREATE INDEX cases_escalated ON cases(opened_at, code) WHERE owner = 'centre';
CREATE INDEX cases_escalated_site ON cases(site_id, opened_at, code) WHERE owner = 'centre';
CREATE INDEX cases_open ON cases(opened_at, code) WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX cases_open_site ON cases(site_id, opened_at, code) WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX cases_worker ON cases(worker_site_id) WHERE worker_site_id IS NOT NULL;

-- The search by a party's full name or ID number (audited, shown masked).
CREATE INDEX cases_id_number ON cases(id_number) WHERE id_number <> '';
CREATE INDEX cases_name ON cases(name) WHERE name <> '';

-- When each case was escalated and accepted, for the inbox's ages and the overdue filter.
CREATE INDEX case_entries_kind ON case_entries(code, kind, at);
