-- A sign-in from the dashboard is a device too (it holds a token), but not a tablet: it holds no
-- records and never syncs, so it must not make a report's data look stale, nor show as a tablet
-- gone quiet. Tablets are what the freshness stamp and the devices report list.
ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'tablet'
  CHECK (kind IN ('tablet', 'browser'));

-- vigil-server caches each report until a change touches one of its teams; a record moved out of
-- a team touches the team it left. Few changes move a record, so this index costs almost nothing.
CREATE INDEX IF NOT EXISTS changes_left_team ON changes(left_team_id, seq) WHERE left_team_id IS NOT NULL;
