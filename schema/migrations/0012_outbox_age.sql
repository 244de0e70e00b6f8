-- A tablet says at every contact what waits in its outbox: how many changes (last_pending) and
-- when the oldest of them was made (NULL: nothing waits). A tablet silent for a day with changes
-- waiting is flagged by the nightly run; the age says how long an officer's work has been away.
ALTER TABLE devices ADD COLUMN oldest_pending_at TEXT;
