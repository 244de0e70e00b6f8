-- A suspect's case at the desk (docs/domain.md, "Suspects"): the actions set to find and arrest
-- them, each with an owner and a due date like a plan's; a supervisor's reviews of the case, each
-- a fact with what they found; and the reason a supervisor gave for closing a suspect while an
-- action was still open (core's check_suspect_close: without one, a suspect with an open action
-- stays open).
CREATE TABLE suspect_actions (
  id             TEXT PRIMARY KEY,
  suspect_id     TEXT NOT NULL REFERENCES suspects(id),
  description    TEXT NOT NULL,
  owner_id       TEXT REFERENCES officers(id),
  due_on         TEXT,
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  completed_on   TEXT,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX suspect_actions_suspect ON suspect_actions(suspect_id, status);

CREATE TABLE suspect_reviews (
  id             TEXT PRIMARY KEY,
  suspect_id     TEXT NOT NULL REFERENCES suspects(id),
  reviewed_on    TEXT NOT NULL,
  note           TEXT NOT NULL,
  reviewer_id    TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX suspect_reviews_suspect ON suspect_reviews(suspect_id, reviewed_on);

ALTER TABLE suspects ADD COLUMN close_reason TEXT;
