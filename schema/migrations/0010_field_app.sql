-- What the officer says at the door when a visit is not as its plan asks (docs/domain.md, "Crewing"):
-- why it was single-crewed, why it was pre-arranged where the plan asks for unannounced visits, the
-- reason code when it did not happen as planned, and the devices checked. Supervisors review them.
ALTER TABLE visits ADD COLUMN crew_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN announced_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN not_as_planned TEXT CHECK (not_as_planned IS NULL OR
    not_as_planned IN ('staff_shortage', 'no_vehicle', 'offender_not_present', 'other'));
ALTER TABLE visits ADD COLUMN devices_checked TEXT NOT NULL DEFAULT '';

-- A nominal's notification requirement gets an id of its own, as every synced record has, so that
-- tablets receive it and work out the notification deadlines the server does. One per nominal
-- still; an existing row takes its nominal's id, which no other requirement can hold.
CREATE TABLE notification_requirements_new (
  id               TEXT PRIMARY KEY,
  nominal_id       TEXT NOT NULL UNIQUE REFERENCES nominals(id),
  relevant_date    TEXT NOT NULL,     -- conviction, finding or caution
  disposal         TEXT NOT NULL CHECK (disposal = 'prison' OR disposal = 'hospital' OR
      disposal = 'hospital_restricted' OR disposal = 'caution' OR
      disposal = 'conditional_discharge' OR disposal = 'other'),
  months           INTEGER,           -- sentence or discharge length where the disposal has one
  age_at_relevant  INTEGER,
  sync_seq         INTEGER NOT NULL DEFAULT 0,
  sync_clock       TEXT,
  sync_device_id   TEXT
);
INSERT INTO notification_requirements_new (id, nominal_id, relevant_date, disposal, months,
    age_at_relevant, sync_seq, sync_clock, sync_device_id)
  SELECT nominal_id, nominal_id, relevant_date, disposal, months, age_at_relevant, sync_seq,
         sync_clock, sync_device_id
  FROM notification_requirements;
DROP TABLE notification_requirements;
ALTER TABLE notification_requirements_new RENAME TO notification_requirements;
