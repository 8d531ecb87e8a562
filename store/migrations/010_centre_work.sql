-- The centre's work on a case, as the hall keeps it (docs/sync.md, "Who owns a case"):
--   deadline     the date a referral (转办) is due back, YYYY-MM-DD;
--   handed_over  1 for a case the centre handed to this hall to work (a village's case escalated
--                to the town): the hall did not open it, no ticket of the hall holds it, and its
--                visitor is known only masked (masked_* columns, migration 009).
ALTER TABLE cases ADD COLUMN deadline TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN handed_over INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_handed ON cases(handed_over, updated_at) WHERE handed_over = 1;
