-- Each condition of an order runs its own period (docs/domain.md, "Orders and breaches"): it
-- starts on starts_on (NULL: the day the order was made) and ends on ends_on (NULL: with the
-- order, which for an order without an end is until further order). A foreign-travel
-- prohibition renewed by the court runs its new period from renewed_on.
ALTER TABLE order_conditions ADD COLUMN starts_on TEXT;
ALTER TABLE order_conditions ADD COLUMN renewed_on TEXT;

-- What was done about a breach, and whether that is finished: a fact each time someone acts on
-- it. A breach with none a day after it happened is flagged by the nightly run.
CREATE TABLE breach_follow_ups (
  id             TEXT PRIMARY KEY,
  breach_id      TEXT NOT NULL REFERENCES breaches(id),
  followed_up_at TEXT NOT NULL,
  action_taken   TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status = 'open' OR status = 'closed'),
  officer_id     TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX breach_follow_ups_breach ON breach_follow_ups(breach_id, followed_up_at);
