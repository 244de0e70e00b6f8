-- Young people at risk of exploitation and their repeat encounters (docs/domain.md, "Safeguarding
-- referrals, young people at risk and repeat encounters"). A young person is known by an
-- anonymised number, never by name, so repeats can be counted and panels held without the child's
-- identity leaving the force's records; each encounter has its own reference.
CREATE TABLE young_people (
  id             TEXT PRIMARY KEY,
  number         TEXT NOT NULL UNIQUE,
  home_area      TEXT NOT NULL DEFAULT '',  -- whose safeguarding partnership takes referrals
  team_id        TEXT NOT NULL REFERENCES teams(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX young_people_team ON young_people(team_id);

CREATE TABLE encounters (
  id                    TEXT PRIMARY KEY,
  young_person_id       TEXT NOT NULL REFERENCES young_people(id),
  ref                   TEXT NOT NULL,
  occurred_at           TEXT NOT NULL,
  place                 TEXT NOT NULL,
  criminal_exploitation INTEGER NOT NULL DEFAULT 0 CHECK (criminal_exploitation IN (0, 1)),
  sexual_exploitation   INTEGER NOT NULL DEFAULT 0 CHECK (sexual_exploitation IN (0, 1)),
  markers               TEXT NOT NULL DEFAULT '',
  officer_id            TEXT REFERENCES officers(id),
  sync_seq              INTEGER NOT NULL DEFAULT 0,
  sync_clock            TEXT,
  sync_device_id        TEXT
);
CREATE INDEX encounters_young_person ON encounters(young_person_id, occurred_at);

-- A referral is of a young person (for one of their encounters, or for the child); those made
-- before, about a nominal's household, keep their nominal. The steps are dates on the referral,
-- their due dates the policy's (computed, never stored); each chase of an overdue step is a fact.
ALTER TABLE safeguarding_referrals ADD COLUMN young_person_id TEXT REFERENCES young_people(id);
ALTER TABLE safeguarding_referrals ADD COLUMN encounter_id TEXT REFERENCES encounters(id);
ALTER TABLE safeguarding_referrals ADD COLUMN acknowledged_on TEXT;
ALTER TABLE safeguarding_referrals ADD COLUMN actioned_on TEXT;
ALTER TABLE safeguarding_referrals ADD COLUMN feedback_on TEXT;
UPDATE safeguarding_referrals SET
  acknowledged_on = (SELECT min(s.done_on) FROM referral_steps s
                     WHERE s.referral_id = safeguarding_referrals.id AND s.step = 'acknowledged'),
  actioned_on = (SELECT min(s.done_on) FROM referral_steps s
                 WHERE s.referral_id = safeguarding_referrals.id AND s.step = 'actioned'),
  feedback_on = (SELECT min(s.done_on) FROM referral_steps s
                 WHERE s.referral_id = safeguarding_referrals.id AND s.step = 'fed_back');
DROP TABLE referral_steps;
CREATE INDEX safeguarding_referrals_young_person ON safeguarding_referrals(young_person_id);

CREATE TABLE referral_chases (
  id             TEXT PRIMARY KEY,
  referral_id    TEXT NOT NULL REFERENCES safeguarding_referrals(id),
  chased_on      TEXT NOT NULL,
  note           TEXT NOT NULL DEFAULT '',
  officer_id     TEXT REFERENCES officers(id),
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX referral_chases_referral ON referral_chases(referral_id, chased_on);
