-- The priority streak is kept per window (app.PickNext): one hall-wide counter let one window's
-- normal calls reset another window's streak.
ALTER TABLE windows ADD COLUMN priority_streak INTEGER NOT NULL DEFAULT 0;
DELETE FROM hall_state WHERE key = 'priority_streak';
