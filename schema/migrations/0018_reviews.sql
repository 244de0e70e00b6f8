-- A supervisor's review of what an officer did (docs/domain.md, "Review"): each decision on an
-- item of the review queue is a fact (who, when, what, why) that syncs to the team's tablets, so
-- an officer sees what was returned to them. The subject is a visit, an assessment, a plan, a plan
-- action, a breach or a rejected change; its team is checked against the subject's when the
-- decision is taken (sync's kReviewDecisionSteps). The queue itself is worked out from the records
-- and these decisions (core/reports, review_queue), never stored.
CREATE TABLE review_decisions (
  id             TEXT PRIMARY KEY,
  team_id        TEXT NOT NULL REFERENCES teams(id),
  subject        TEXT NOT NULL CHECK (subject IN ('visit', 'assessment', 'plan', 'plan_action',
      'breach', 'change')),
  subject_id     TEXT NOT NULL,
  decision       TEXT NOT NULL CHECK (decision IN ('signed_off', 'returned')),
  comment        TEXT NOT NULL DEFAULT '',
  decided_at     TEXT NOT NULL,   -- as the supervisor's device states it
  reviewer_id    TEXT REFERENCES officers(id),
  received_at    TEXT,            -- when the server took it: what the queue compares
  sync_seq       INTEGER NOT NULL DEFAULT 0,
  sync_clock     TEXT,
  sync_device_id TEXT
);
CREATE INDEX review_decisions_subject ON review_decisions(subject_id, received_at);
CREATE INDEX review_decisions_team ON review_decisions(team_id, received_at);

-- Plans, assessments and plan actions written through sync wait for review from their latest
-- change: found per team without reading every visit and read event the team ever sent.
CREATE INDEX changes_reviewable ON changes(team_id, entity, entity_id, received_at)
  WHERE entity IN ('assessment', 'plan', 'plan_action') AND outcome <> 'rejected';
-- Rejected changes wait for review by their officer's team.
CREATE INDEX changes_rejected ON changes(officer_id, received_at) WHERE outcome = 'rejected';
-- Visits that came through sync (received_at set) are the ones the queue looks at.
CREATE INDEX visits_received ON visits(nominal_id, received_at) WHERE received_at IS NOT NULL;
