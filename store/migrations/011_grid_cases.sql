-- Cases the centre routes to this hall (docs/sync.md, "Who owns a case"):
--   source, risk, grid  how the case came in (app.CaseSource: '' walk-in, 'grid' a dispute a
--                       网格员 registered), its risk grade and its small grid's name;
--   routed              'assign' for a case of this village the centre gave the hall to own and
--                       work (wire.ChangeAssign), 'notice' for one the town keeps and the hall only
--                       shows (wire.ChangeNotice), '' for every other case.
-- Like a handed-over case, a routed case has no ticket here and its visitor is known only masked.
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN risk TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN grid TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN routed TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_routed ON cases(routed, updated_at) WHERE routed <> '';
