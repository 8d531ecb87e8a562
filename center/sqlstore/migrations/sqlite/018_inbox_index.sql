-- The escalation inbox's count reads only the escalated cases not yet accepted (as on PostgreSQL).
CREATE INDEX cases_inbox ON cases (site_id) WHERE owner = 'centre' AND escalation_accepted_at IS NULL
	AND status NOT IN ('closed', 'rejected');
