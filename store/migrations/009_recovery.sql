-- Recovery after a restore or a lost disk (docs/sync.md, "Epochs and recovery"). The state of a
-- recovery lives in hall_meta:
--   recover_after      while present, the hall must first take back from the centre its events
--                      with ids above this one (fengqiao restore / fengqiao hub --recover set it);
--   recovered_through  ids up to here are the log the centre holds (inherited or taken back);
--   lineage            the earlier epochs of this log, space-separated: a client's Last-Event-ID
--                      from one of them counts in this log's numbering;
--   client_seen        the highest event id a client reported from an earlier epoch;
--   lost               events a client saw that never reached the centre (client_seen beyond
--                      recovered_through): reported in sync status, doctor and GET /api/v1/sync.
--
-- A case whose identity the centre no longer holds (removed by its retention rule) comes back with
-- the masked visitor of its events only.
ALTER TABLE cases ADD COLUMN masked_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN masked_id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN masked_phone TEXT NOT NULL DEFAULT '';
