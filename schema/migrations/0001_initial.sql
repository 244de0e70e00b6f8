-- Vigil's first schema: every record of docs/domain.md, for the server and (as a subset) the
-- tablet.
-- Conventions (docs/house-style.md, "Data"):
--   * id is a UUID made where the row was created (tablets make ids offline);
--   * dates are civil dates 'YYYY-MM-DD' (Europe/London); instants are UTC 'YYYY-MM-DDTHH:MM:SSZ';
--   * booleans are 0/1; enumerations are checked here so no other value can be stored (written
--     as OR chains: SQLite evaluates "x IN (three or more values)" about four times slower per
--     row, which the seed and sync benchmarks feel);
--   * synced rows carry sync_seq (server sequence of the change that last wrote the row),
--     sync_clock (hybrid logical clock of that writer) and sync_device_id (the writer's device);
--   * derived status (due, overdue, priority) is never stored: core/ computes it.

-- People who use Vigil ---------------------------------------------------------------------------

CREATE TABLE teams (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);

CREATE TABLE officers (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role = 'officer' OR role = 'supervisor' OR role = 'admin'),
  team_id        TEXT NOT NULL REFERENCES teams(id),
  password_hash  TEXT,            -- Argon2id encoded string; NULL until a password is set
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at     TEXT NOT NULL,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX officers_team ON officers(team_id);

-- A supervisor may supervise several teams; their own team is listed here too.
CREATE TABLE team_supervisors (
  team_id    TEXT NOT NULL REFERENCES teams(id),
  officer_id TEXT NOT NULL REFERENCES officers(id),
  PRIMARY KEY (team_id, officer_id)
) WITHOUT ROWID;
CREATE INDEX team_supervisors_officer ON team_supervisors(officer_id);

CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  officer_id       TEXT NOT NULL REFERENCES officers(id),
  name             TEXT NOT NULL,
  token_hash       TEXT,          -- SHA-256 of the bearer token; the token itself is never stored
  enrolled_at      TEXT NOT NULL,
  last_contact_at  TEXT,
  last_pending     INTEGER,       -- changes the device said it still held at its last sync
  clock_skew_ms    INTEGER,       -- device wall time minus server time at the last contact
  revoked_at       TEXT,
  revoked_by       TEXT REFERENCES officers(id),
  revoke_reason    TEXT
);
CREATE INDEX devices_officer ON devices(officer_id);

-- Policy: versioned, with who approved it, when it takes effect and why (docs/domain.md, policy).
CREATE TABLE policy_versions (
  id             TEXT PRIMARY KEY,
  version        INTEGER NOT NULL UNIQUE,
  effective_from TEXT NOT NULL,
  approved_by    TEXT NOT NULL,
  rationale      TEXT NOT NULL,
  body           TEXT NOT NULL,   -- the policy as JSON, in the format of core/policy/default_policy.json
  created_at     TEXT NOT NULL
);

-- Nominals and what is known about them --------------------------------------------------------

CREATE TABLE nominals (
  id                  TEXT PRIMARY KEY,
  ref                 TEXT NOT NULL UNIQUE,
  surname             TEXT NOT NULL,
  forenames           TEXT NOT NULL,
  date_of_birth       TEXT NOT NULL,
  kind                TEXT NOT NULL CHECK (kind = 'rso' OR kind = 'violent' OR kind = 'other' OR
      kind = 'pdp'),
  mappa_category      INTEGER CHECK (mappa_category BETWEEN 1 AND 3),
  mappa_level         INTEGER NOT NULL CHECK (mappa_level BETWEEN 1 AND 3),
  risk_level          TEXT NOT NULL CHECK (risk_level = 'low' OR risk_level = 'medium' OR
      risk_level = 'high' OR risk_level = 'very_high'),
  officer_id          TEXT REFERENCES officers(id),
  team_id             TEXT NOT NULL REFERENCES teams(id),
  no_fixed_abode      INTEGER NOT NULL DEFAULT 0 CHECK (no_fixed_abode IN (0, 1)),
  area                TEXT NOT NULL DEFAULT '',
  status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  reactive_management INTEGER NOT NULL DEFAULT 0 CHECK (reactive_management IN (0, 1)),
  sync_seq            INTEGER NOT NULL DEFAULT 0,
  sync_clock          TEXT,
  sync_device_id      TEXT
);
CREATE INDEX nominals_team ON nominals(team_id);
CREATE INDEX nominals_officer ON nominals(officer_id);

CREATE TABLE addresses (
  id             TEXT PRIMARY KEY,
  nominal_id     TEXT NOT NULL REFERENCES nominals(id),
  kind           TEXT NOT NULL CHECK (kind = 'main' OR kind = 'secondary' OR kind = 'temporary' OR
      kind = 'no_fixed_abode'),
  line1          TEXT NOT NULL DEFAULT '',
  line2          TEXT NOT NULL DEFAULT '',
  town           TEXT NOT NULL DEFAULT '',
  postcode       TEXT NOT NULL DEFAULT '',
  area           TEXT NOT NULL DEFAULT '',
  from_date      TEXT,
  to_date        TEXT,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX addresses_nominal ON addresses(nominal_id);

CREATE TABLE assessments (
  id                 TEXT PRIMARY KEY,
  nominal_id         TEXT NOT NULL REFERENCES nominals(id),
  assessed_on        TEXT NOT NULL,
  risk_level         TEXT NOT NULL CHECK (risk_level = 'low' OR risk_level = 'medium' OR
      risk_level = 'high' OR risk_level = 'very_high'),
  risk_factors       TEXT NOT NULL DEFAULT '',
  protective_factors TEXT NOT NULL DEFAULT '',
  assessor_id        TEXT REFERENCES officers(id),
  sync_seq           INTEGER NOT NULL DEFAULT 0,
  sync_clock         TEXT,
  sync_device_id     TEXT
);
-- Covering: the overdue rules read each nominal's assessment dates and levels from the index alone.
CREATE INDEX assessments_nominal ON assessments(nominal_id, assessed_on, risk_level);

CREATE TABLE plans (
  id                      TEXT PRIMARY KEY,
  nominal_id              TEXT NOT NULL REFERENCES nominals(id),
  assessment_id           TEXT REFERENCES assessments(id),
  started_on              TEXT NOT NULL,
  last_reviewed_on        TEXT,
  visit_every_months      INTEGER CHECK (visit_every_months IS NULL OR visit_every_months > 0),
  double_crewed           INTEGER NOT NULL DEFAULT 1 CHECK (double_crewed IN (0, 1)),
  unannounced_required    INTEGER NOT NULL DEFAULT 0 CHECK (unannounced_required IN (0, 1)),
  sync_seq                INTEGER NOT NULL DEFAULT 0,
  sync_clock              TEXT,
  sync_device_id          TEXT
);
CREATE INDEX plans_nominal ON plans(nominal_id, started_on);

CREATE TABLE plan_actions (
  id             TEXT PRIMARY KEY,
  plan_id        TEXT NOT NULL REFERENCES plans(id),
  description    TEXT NOT NULL,
  owner_id       TEXT REFERENCES officers(id),   -- NULL is a defect a supervisor must see
  due_on         TEXT,                            -- NULL is a defect a supervisor must see
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'done' OR
      status = 'cancelled'),
  completed_on   TEXT,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
-- Status and completion in the index: the overdue rules pick out open actions without reading
-- the rows of finished ones.
CREATE INDEX plan_actions_plan ON plan_actions(plan_id, status, completed_on);
CREATE INDEX plan_actions_status ON plan_actions(status, completed_on);

-- A visit is evidence: never edited or deleted, only amended by a further record.
CREATE TABLE visits (
  id              TEXT PRIMARY KEY,
  nominal_id      TEXT NOT NULL REFERENCES nominals(id),
  occurred_at     TEXT NOT NULL,    -- as the officer states it
  recorded_at     TEXT NOT NULL,    -- when the device saved it
  received_at     TEXT,             -- when the server got it
  announced       INTEGER NOT NULL CHECK (announced IN (0, 1)),
  outcome         TEXT NOT NULL CHECK (outcome = 'seen' OR outcome = 'no_answer' OR
      outcome = 'refused' OR outcome = 'not_at_address'),
  observations    TEXT NOT NULL DEFAULT '',
  risk_change     TEXT NOT NULL DEFAULT '',   -- a dynamic risk change prompts an early review
  recorded_by     TEXT REFERENCES officers(id),
  device_id       TEXT,
  clock_skew_flag INTEGER NOT NULL DEFAULT 0 CHECK (clock_skew_flag IN (0, 1)),
  sync_seq        INTEGER NOT NULL DEFAULT 0,
  sync_clock      TEXT,
  sync_device_id  TEXT
);
CREATE INDEX visits_nominal ON visits(nominal_id, outcome, occurred_at);
-- The last visit at which each nominal was seen drives every visit deadline.
CREATE INDEX visits_seen ON visits(nominal_id, occurred_at) WHERE outcome = 'seen';
-- Dynamic risk changes are few; the overdue rules look them up per nominal.
CREATE INDEX visits_risk_change ON visits(nominal_id, occurred_at) WHERE risk_change <> '';

-- Crewing is derived from who attended, never a tick-box.
CREATE TABLE visit_attendees (
  visit_id   TEXT NOT NULL REFERENCES visits(id),
  officer_id TEXT NOT NULL REFERENCES officers(id),
  PRIMARY KEY (visit_id, officer_id)
) WITHOUT ROWID;
CREATE INDEX visit_attendees_officer ON visit_attendees(officer_id);

CREATE TABLE visit_amendments (
  id             TEXT PRIMARY KEY,
  visit_id       TEXT NOT NULL REFERENCES visits(id),
  reason         TEXT NOT NULL,
  changes        TEXT NOT NULL,     -- JSON object: field -> new value
  amended_by     TEXT REFERENCES officers(id),
  amended_at     TEXT NOT NULL,
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX visit_amendments_visit ON visit_amendments(visit_id);

-- Two or more failed entries for an assessment allow a magistrate's warrant to be sought.
CREATE TABLE failed_entries (
  id             TEXT PRIMARY KEY,
  nominal_id     TEXT NOT NULL REFERENCES nominals(id),
  visit_id       TEXT REFERENCES visits(id),
  attempted_at   TEXT NOT NULL,
  reason         TEXT NOT NULL DEFAULT '',
  officer_id     TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX failed_entries_nominal ON failed_entries(nominal_id, attempted_at);

-- Orders, their conditions and breaches ---------------------------------------------------------

CREATE TABLE orders (
  id             TEXT PRIMARY KEY,
  nominal_id     TEXT NOT NULL REFERENCES nominals(id),
  kind           TEXT NOT NULL CHECK (kind = 'shpo' OR kind = 'sro' OR kind = 'voo' OR
      kind = 'spo' OR kind = 'dvpo' OR kind = 'cbo'),
  made_on        TEXT NOT NULL,
  ends_on        TEXT,              -- NULL: until further order
  court          TEXT NOT NULL DEFAULT '',
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX orders_nominal ON orders(nominal_id);

CREATE TABLE order_conditions (
  id                  TEXT PRIMARY KEY,
  order_id            TEXT NOT NULL REFERENCES orders(id),
  text                TEXT NOT NULL,
  foreign_travel      INTEGER NOT NULL DEFAULT 0 CHECK (foreign_travel IN (0, 1)),
  ends_on             TEXT,         -- NULL: until further order (each prohibition has its own period)
  sync_seq            INTEGER NOT NULL DEFAULT 0,
  sync_clock          TEXT,
  sync_device_id      TEXT
);
CREATE INDEX order_conditions_order ON order_conditions(order_id);

CREATE TABLE breaches (
  id             TEXT PRIMARY KEY,
  nominal_id     TEXT NOT NULL REFERENCES nominals(id),
  order_id       TEXT NOT NULL REFERENCES orders(id),
  condition_id   TEXT REFERENCES order_conditions(id),
  condition_text TEXT NOT NULL DEFAULT '',
  occurred_at    TEXT NOT NULL,
  action_taken   TEXT NOT NULL,
  recorded_by    TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX breaches_nominal ON breaches(nominal_id, occurred_at);
CREATE INDEX breaches_order ON breaches(order_id);

-- Notification by registered sex offenders -------------------------------------------------------

-- What starts and bounds the notification period (docs/domain.md, notification).
CREATE TABLE notification_requirements (
  nominal_id       TEXT PRIMARY KEY REFERENCES nominals(id),
  relevant_date    TEXT NOT NULL,     -- conviction, finding or caution
  disposal         TEXT NOT NULL CHECK (disposal = 'prison' OR disposal = 'hospital' OR
      disposal = 'hospital_restricted' OR disposal = 'caution' OR
      disposal = 'conditional_discharge' OR disposal = 'other'),
  months           INTEGER,           -- sentence or discharge length where the disposal has one
  age_at_relevant  INTEGER,
  sync_seq         INTEGER NOT NULL DEFAULT 0,
  sync_clock       TEXT,
  sync_device_id   TEXT
) WITHOUT ROWID;

CREATE TABLE notifications (
  id              TEXT PRIMARY KEY,
  nominal_id      TEXT NOT NULL REFERENCES nominals(id),
  kind            TEXT NOT NULL CHECK (kind = 'initial' OR kind = 'change' OR kind = 'periodic' OR
      kind = 'foreign_travel'),
  event_on        TEXT NOT NULL,     -- the conviction, release or change that requires notifying
  excluded_days   INTEGER NOT NULL DEFAULT 0,  -- custody, hospital or abroad: do not count
  notified_on     TEXT,              -- NULL: still to be made
  detail          TEXT NOT NULL DEFAULT '',
  sync_seq        INTEGER NOT NULL DEFAULT 0,
  sync_clock      TEXT,
  sync_device_id  TEXT
);
CREATE INDEX notifications_nominal ON notifications(nominal_id, notified_on);

-- Safeguarding referrals: every step has a timer because the loop used to break silently.
CREATE TABLE safeguarding_referrals (
  id             TEXT PRIMARY KEY,
  nominal_id     TEXT REFERENCES nominals(id),
  agency         TEXT NOT NULL,
  contact_name   TEXT NOT NULL,
  concern        TEXT NOT NULL DEFAULT '',
  sent_on        TEXT NOT NULL,
  officer_id     TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX safeguarding_referrals_nominal ON safeguarding_referrals(nominal_id);

CREATE TABLE referral_steps (
  id             TEXT PRIMARY KEY,
  referral_id    TEXT NOT NULL REFERENCES safeguarding_referrals(id),
  step           TEXT NOT NULL CHECK (step = 'acknowledged' OR step = 'actioned' OR
      step = 'fed_back'),
  due_on         TEXT NOT NULL,
  done_on        TEXT,
  note           TEXT NOT NULL DEFAULT '',
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX referral_steps_referral ON referral_steps(referral_id);

-- Suspects, pre-charge bail and released under investigation ------------------------------------

CREATE TABLE suspects (
  id                TEXT PRIMARY KEY,
  ref               TEXT NOT NULL UNIQUE,
  surname           TEXT NOT NULL,
  forenames         TEXT NOT NULL,
  offence           TEXT NOT NULL,
  harm              INTEGER NOT NULL CHECK (harm BETWEEN 1 AND 5),   -- 1 is the most harmful
  outstanding_since TEXT NOT NULL,
  circulated_on     TEXT,          -- on the police national computer; NULL: not circulated
  last_trace_on     TEXT,
  last_review_on    TEXT,
  status            TEXT NOT NULL DEFAULT 'outstanding'
                    CHECK (status = 'outstanding' OR status = 'arrested' OR status = 'warrant' OR
      status = 'closed'),
  officer_id        TEXT REFERENCES officers(id),
  team_id           TEXT NOT NULL REFERENCES teams(id),
  sync_seq          INTEGER NOT NULL DEFAULT 0,
  sync_clock        TEXT,
  sync_device_id    TEXT
);
CREATE INDEX suspects_team ON suspects(team_id, status);

CREATE TABLE trace_enquiries (
  id             TEXT PRIMARY KEY,
  suspect_id     TEXT NOT NULL REFERENCES suspects(id),
  occurred_at    TEXT NOT NULL,
  note           TEXT NOT NULL,
  officer_id     TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX trace_enquiries_suspect ON trace_enquiries(suspect_id, occurred_at);

CREATE TABLE bail_cases (
  id                 TEXT PRIMARY KEY,
  ref                TEXT NOT NULL UNIQUE,
  surname            TEXT NOT NULL,
  forenames          TEXT NOT NULL,
  offence            TEXT NOT NULL,
  arrested_on        TEXT NOT NULL,   -- the regime depends on it, so it is always stored
  case_type          TEXT NOT NULL CHECK (case_type IN ('standard', 'serious_fraud')),
  status             TEXT NOT NULL CHECK (status = 'bail' OR status = 'rui' OR status = 'charged' OR
      status = 'nfa'),
  answer_bail_on     TEXT,
  expected_finish_on TEXT,            -- RUI: tracked because RUI has no time limit
  officer_id         TEXT REFERENCES officers(id),
  team_id            TEXT NOT NULL REFERENCES teams(id),
  sync_seq           INTEGER NOT NULL DEFAULT 0,
  sync_clock         TEXT,
  sync_device_id     TEXT
);
CREATE INDEX bail_cases_team ON bail_cases(team_id, status);
CREATE INDEX bail_cases_status ON bail_cases(status, arrested_on);

CREATE TABLE bail_extensions (
  id                          TEXT PRIMARY KEY,
  bail_case_id                TEXT NOT NULL REFERENCES bail_cases(id),
  extended_to                 TEXT NOT NULL,
  authority                   TEXT NOT NULL CHECK (authority = 'custody_officer' OR
      authority = 'inspector' OR authority = 'superintendent' OR
      authority = 'assistant_chief_constable' OR authority = 'magistrates_court'),
  authorised_by               TEXT NOT NULL,
  authorised_on               TEXT NOT NULL,
  representations_considered  INTEGER NOT NULL CHECK (representations_considered IN (0, 1)),
  sync_seq                    INTEGER NOT NULL DEFAULT 0,
  sync_clock                  TEXT,
  sync_device_id              TEXT
);
CREATE INDEX bail_extensions_case ON bail_extensions(bail_case_id, extended_to);

CREATE TABLE bail_conditions (
  id             TEXT PRIMARY KEY,
  bail_case_id   TEXT NOT NULL REFERENCES bail_cases(id),
  kind           TEXT NOT NULL CHECK (kind = 'no_contact' OR kind = 'exclusion_zone' OR
      kind = 'curfew' OR kind = 'passport_surrender' OR kind = 'residence' OR kind = 'other'),
  detail         TEXT NOT NULL DEFAULT '',
  victim_views   TEXT NOT NULL DEFAULT '',
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX bail_conditions_case ON bail_conditions(bail_case_id);

CREATE TABLE rui_reviews (
  id                 TEXT PRIMARY KEY,
  bail_case_id       TEXT NOT NULL REFERENCES bail_cases(id),
  reviewed_on        TEXT NOT NULL,
  reviewer_id        TEXT REFERENCES officers(id),
  expected_finish_on TEXT,
  note               TEXT NOT NULL DEFAULT '',
  sync_seq           INTEGER NOT NULL DEFAULT 0,
  sync_clock         TEXT,
  sync_device_id     TEXT
);
CREATE INDEX rui_reviews_case ON rui_reviews(bail_case_id, reviewed_on);

-- Audit: every read, denial and write; device read events are hash-chained per device ------------

CREATE TABLE audit_log (
  id            TEXT PRIMARY KEY,
  occurred_at   TEXT NOT NULL,
  officer_id    TEXT REFERENCES officers(id),
  device_id     TEXT,
  action        TEXT NOT NULL CHECK (action = 'read' OR action = 'denied' OR action = 'create' OR
      action = 'update' OR action = 'delete' OR action = 'login' OR action = 'login_failed' OR
      action = 'revoke' OR action = 'import'),
  entity        TEXT NOT NULL,
  entity_id     TEXT,
  reason        TEXT NOT NULL DEFAULT '',
  chain_index   INTEGER,           -- position in the device's read-audit chain
  prev_hash     TEXT,
  hash          TEXT,
  received_at   TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_device_chain ON audit_log(device_id, chain_index);

-- Sync metadata -----------------------------------------------------------------------------------

-- Every change the server accepted or refused, in server order. seq is the pull cursor.
CREATE TABLE changes (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id       TEXT NOT NULL UNIQUE,   -- the idempotency key
  device_id       TEXT NOT NULL,
  officer_id      TEXT,
  entity          TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  operation       TEXT NOT NULL CHECK (operation = 'create' OR operation = 'update' OR
      operation = 'append'),
  fields          TEXT NOT NULL,          -- JSON object of new values
  base            TEXT,                   -- JSON object of the values the device last saw
  clock           TEXT NOT NULL,          -- hybrid logical clock stamp
  device_time     TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome = 'applied' OR outcome = 'conflict' OR
      outcome = 'rejected'),
  reason          TEXT NOT NULL DEFAULT '',
  clock_skew_flag INTEGER NOT NULL DEFAULT 0 CHECK (clock_skew_flag IN (0, 1))
);
CREATE INDEX changes_entity ON changes(entity, entity_id);
CREATE INDEX changes_device ON changes(device_id);

CREATE TABLE conflicts (
  id              TEXT PRIMARY KEY,
  entity          TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  winning_value   TEXT,
  losing_value    TEXT,
  winning_change  TEXT NOT NULL,
  losing_change   TEXT NOT NULL,
  winning_device  TEXT NOT NULL,
  losing_device   TEXT NOT NULL,
  winning_clock   TEXT NOT NULL,
  losing_clock    TEXT NOT NULL,
  detected_at     TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
  decided_by      TEXT REFERENCES officers(id),
  decided_at      TEXT,
  decision        TEXT,
  sync_seq        INTEGER NOT NULL DEFAULT 0,
  sync_clock      TEXT,
  sync_device_id  TEXT
);
CREATE INDEX conflicts_status ON conflicts(status, detected_at);

-- Device side: changes made locally and not yet acknowledged, written in the same transaction.
CREATE TABLE outbox (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id    TEXT NOT NULL UNIQUE,
  entity       TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  operation    TEXT NOT NULL CHECK (operation = 'create' OR operation = 'update' OR
      operation = 'append'),
  fields       TEXT NOT NULL,
  base         TEXT,
  clock        TEXT NOT NULL,
  device_time  TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
  reason       TEXT NOT NULL DEFAULT ''
);

-- Small key/value facts about this store: pull cursor, device id, clock state.
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
