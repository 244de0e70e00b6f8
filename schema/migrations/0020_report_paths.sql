-- Indexes shaped as the reports read (core/reports/): a team's report reaches its nominals and
-- their facts through an index that leads with the team or the nominal and holds every column
-- the report reads, so it reads a few pages per nominal, not a table row per fact scattered
-- through the file in the order the facts arrived. Every read transaction that follows a commit
-- (each report's audit row is one) starts with an empty page cache, so what a report costs is
-- mostly the pages it touches.

-- The scope of every team report: its active nominals, with what the overdue report reads of
-- each (it keeps the team's lead too, for everything that looks nominals up by team).
DROP INDEX nominals_team;
CREATE INDEX nominals_team ON nominals(team_id, status, id, ref, kind, risk_level, officer_id,
    no_fixed_abode, reactive_management);

-- The effective visit, worked out from the columns stored. SQLite reads the table row for any
-- VIRTUAL generated column, even one an index holds, so through effective_occurred_at and its
-- kin (migration 0011) no index of visits could answer a report alone. The same coalesce written
-- out in the view and in the indexes lets the planner match the two and read the index only.
-- The generated columns stay, with the same meaning, for what reads one visit at a time.
DROP VIEW effective_visits;
CREATE VIEW effective_visits AS
  SELECT id, nominal_id, coalesce(amended_occurred_at, occurred_at) AS occurred_at, recorded_at,
         received_at, coalesce(amended_announced, announced) AS announced,
         coalesce(amended_outcome, outcome) AS outcome, observations,
         coalesce(amended_risk_change, risk_change) AS risk_change, recorded_by, device_id,
         clock_skew_flag, crew_reason, announced_reason, not_as_planned, devices_checked
  FROM visits;
-- A nominal's visits in time order, with what the reports read of each: when the nominal was
-- last seen (the overdue report, the caseload), the dynamic risk changes since the last
-- assessment (the overdue report), and who recorded each visit in the compliance report's 90
-- days and whether it was pre-arranged. One index for all three, in place of visits_nominal (led
-- by the outcome, so a period of time meant every visit of the nominal's years of history) and
-- visits_risk_change (a partial index, which the planner does not match through the view): a
-- nominal's visits are few and lie together here, and every visit a tablet sends writes one
-- index entry fewer.
DROP INDEX visits_nominal;
DROP INDEX visits_risk_change;
CREATE INDEX visits_nominal ON visits(nominal_id, coalesce(amended_occurred_at, occurred_at),
    amended_occurred_at, occurred_at, amended_outcome, outcome, amended_risk_change, risk_change);

-- The plan in force at a date, with what the overdue and compliance reports read of it.
DROP INDEX plans_nominal;
CREATE INDEX plans_nominal ON plans(nominal_id, started_on, id, last_reviewed_on,
    visit_every_months, double_crewed);

-- A plan's actions with what decides whether each is late or incomplete, so only those read
-- their description.
DROP INDEX plan_actions_plan;
CREATE INDEX plan_actions_plan ON plan_actions(plan_id, status, completed_on, due_on, owner_id);

-- A nominal's notifications with what decides whether one is still to be made and by when.
DROP INDEX notifications_nominal;
CREATE INDEX notifications_nominal ON notifications(nominal_id, notified_on, event_on, kind,
    excluded_days);

-- A team's arrests in the year by status (the suspects report's bail and RUI rates), counted
-- from the index alone: bail_cases_team reaches the team's cases but not their arrest dates.
CREATE INDEX bail_cases_team_arrested ON bail_cases(team_id, arrested_on, status);
