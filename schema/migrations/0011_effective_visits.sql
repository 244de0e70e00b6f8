-- The effective visit (docs/domain.md, "Visits are evidence"): the visit as recorded with its
-- amendments applied in order. The recorded columns never change; what the amendments make of
-- the time, the announcement, the outcome and the dynamic risk change is kept beside them
-- (amended_*, NULL where no amendment changed it) by sync::settle_visit whenever a visit or an
-- amendment is stored, on the server and on every tablet alike. Never synced: each store works it
-- out from the amendments it holds.
ALTER TABLE visits ADD COLUMN amended_occurred_at TEXT;
ALTER TABLE visits ADD COLUMN amended_announced INTEGER CHECK (amended_announced IN (0, 1));
ALTER TABLE visits ADD COLUMN amended_outcome TEXT CHECK (amended_outcome IS NULL OR
    amended_outcome IN ('seen', 'no_answer', 'refused', 'not_at_address'));
ALTER TABLE visits ADD COLUMN amended_risk_change TEXT;
ALTER TABLE visits ADD COLUMN effective_occurred_at TEXT
    GENERATED ALWAYS AS (coalesce(amended_occurred_at, occurred_at)) VIRTUAL;
ALTER TABLE visits ADD COLUMN effective_announced INTEGER
    GENERATED ALWAYS AS (coalesce(amended_announced, announced)) VIRTUAL;
ALTER TABLE visits ADD COLUMN effective_outcome TEXT
    GENERATED ALWAYS AS (coalesce(amended_outcome, outcome)) VIRTUAL;
ALTER TABLE visits ADD COLUMN effective_risk_change TEXT
    GENERATED ALWAYS AS (coalesce(amended_risk_change, risk_change)) VIRTUAL;

-- The deadlines and the crew are worked out from the effective visit, through these indexes.
DROP INDEX visits_nominal;
CREATE INDEX visits_nominal ON visits(nominal_id, effective_outcome, effective_occurred_at);
DROP INDEX visits_risk_change;
CREATE INDEX visits_risk_change ON visits(nominal_id, effective_occurred_at)
    WHERE effective_risk_change <> '';

-- Who attended: `recorded`, on the visit as recorded (what syncs); `present`, on the effective
-- visit. An officer an amendment adds is a row recorded 0, present 1; one it takes away is
-- present 0.
ALTER TABLE visit_attendees ADD COLUMN recorded INTEGER NOT NULL DEFAULT 1 CHECK (recorded IN (0, 1));
ALTER TABLE visit_attendees ADD COLUMN present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1));

-- What every report, check and caseload reads: the effective visit, under the visit's own names.
CREATE VIEW effective_visits AS
  SELECT id, nominal_id, effective_occurred_at AS occurred_at, recorded_at, received_at,
         effective_announced AS announced, effective_outcome AS outcome, observations,
         effective_risk_change AS risk_change, recorded_by, device_id, clock_skew_flag,
         crew_reason, announced_reason, not_as_planned, devices_checked
  FROM visits;
CREATE VIEW effective_visit_attendees AS
  SELECT visit_id, officer_id FROM visit_attendees WHERE present = 1;
