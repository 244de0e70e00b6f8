-- What was overdue on each night, as the nightly run (`vigil batch`) counted it, so the dashboard
-- can draw the backlog's trend. A snapshot is a historical record of a run, not derived status
-- of a live record: what was overdue as of a past date cannot be worked out again once visits
-- have been recorded late or amended. A rerun for the same as-of date replaces that night's rows.
CREATE TABLE backlog_snapshots (
  as_of           TEXT PRIMARY KEY,   -- the run's cut-off date
  taken_at        TEXT NOT NULL,      -- instant of the (last) run for that date
  policy_version  INTEGER NOT NULL
);

-- The night's counts by team, risk level and age band; a combination with no row had no items.
CREATE TABLE backlog_counts (
  as_of       TEXT NOT NULL REFERENCES backlog_snapshots(as_of) ON DELETE CASCADE,
  team_id     TEXT NOT NULL REFERENCES teams(id),
  risk_level  TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'very_high')),
  age_band    TEXT NOT NULL CHECK (age_band IN ('1-30', '31-90', '91-180', '181-365', 'over_365')),
  items       INTEGER NOT NULL CHECK (items > 0),
  PRIMARY KEY (as_of, team_id, risk_level, age_band)
) WITHOUT ROWID;
