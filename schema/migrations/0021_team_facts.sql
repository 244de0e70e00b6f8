-- The facts the reports read, kept clustered by team (ARCHITECTURE.md, "Reports read facts kept
-- by team").
--
-- Every read transaction that follows a commit starts with an empty page cache, and every report
-- request commits its audit row, as every tablet's sync commits its changes. So what a report
-- costs is mostly the pages it touches. A team's nominals have random ids, so through the fact
-- tables' own indexes, led by the nominal, each nominal's facts sit on pages of their own: a
-- team's overdue report touched some 4,500 pages in ten indexes. Here each fact table the reports
-- read has a copy led by the team (then the nominal, or for visits their id), holding only what
-- the reports read, with the visit as its amendments make it and its crew counted. A team's facts
-- lie together on a few dozen pages of each, whatever date the report is asked for, since every
-- fact keeps its dates.
--
-- Each copy is defined by a view, team_*_source, over the tables written by sync, import and the
-- desk alike, and kept equal to it in the transaction that writes the fact. Triggers keep every
-- copy but the visits' as its table is written: a row written, amended or removed refreshes its
-- copy; a nominal moved to another team moves its facts with it; a fact that arrives before its
-- nominal is copied when the nominal arrives. A visit's copy, with its crew, is written by
-- whoever stores the visit (core/store/team_facts.hpp: the sync engine for each visit it stores,
-- the seed and the import once loaded): visits and their attendees are most of what arrives, and
-- a trigger on each cost a third of what the server takes in. Triggers still follow a visit
-- amended, removed or moved, and its attendees changed or removed.
-- tests/sync/team_facts_test.cpp and the nightly run compare each copy with its view.

CREATE VIEW team_assessments_source AS
  SELECT n.team_id, x.nominal_id, x.id AS assessment_id, x.assessed_on, x.risk_level
  FROM assessments x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_assessments (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, assessment_id TEXT NOT NULL,
  assessed_on TEXT NOT NULL, risk_level TEXT NOT NULL,
  PRIMARY KEY (team_id, nominal_id, assessment_id)
) WITHOUT ROWID;

CREATE VIEW team_plans_source AS
  SELECT n.team_id, x.nominal_id, x.id AS plan_id, x.started_on, x.last_reviewed_on,
         x.visit_every_months, x.double_crewed
  FROM plans x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_plans (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, plan_id TEXT NOT NULL,
  started_on TEXT NOT NULL, last_reviewed_on TEXT, visit_every_months INTEGER,
  double_crewed INTEGER NOT NULL,
  -- A nominal's plans in the order they started: the plan in force on a date is one step back.
  PRIMARY KEY (team_id, nominal_id, started_on, plan_id)
) WITHOUT ROWID;

CREATE VIEW team_plan_actions_source AS
  SELECT n.team_id, p.nominal_id, a.plan_id, a.id AS action_id, a.status, a.due_on,
         a.completed_on, a.owner_id, a.description
  FROM plan_actions a JOIN plans p ON p.id = a.plan_id JOIN nominals n ON n.id = p.nominal_id;
CREATE TABLE team_plan_actions (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, plan_id TEXT NOT NULL, action_id TEXT NOT NULL,
  status TEXT NOT NULL, due_on TEXT, completed_on TEXT, owner_id TEXT, description TEXT NOT NULL,
  PRIMARY KEY (team_id, nominal_id, plan_id, action_id)
) WITHOUT ROWID;

-- The effective visit (migration 0011): whether it recorded a dynamic risk change, and its crew
-- (the officers present). Visits are many and arrive every day: this copy is in the order of their
-- ids within the team, and tablets make a visit's id in time order (a version 7 UUID), so a day's
-- visits are added together at the end of their team's part of it, on a few pages. Kept in the
-- order of the time they happened, a week's visits synced at once were written all over the
-- team's recent pages, and the server took in a sixth fewer changes a second.
CREATE VIEW team_visits_source AS
  SELECT n.team_id, v.id AS visit_id, v.occurred_at, v.nominal_id, v.outcome,
         v.risk_change <> '' AS risk_changed, v.announced, v.recorded_by,
         (SELECT count(*) FROM effective_visit_attendees a WHERE a.visit_id = v.id) AS crew
  FROM effective_visits v JOIN nominals n ON n.id = v.nominal_id;
CREATE TABLE team_visits (
  team_id TEXT NOT NULL, visit_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
  nominal_id TEXT NOT NULL, outcome TEXT NOT NULL, risk_changed INTEGER NOT NULL,
  announced INTEGER NOT NULL, recorded_by TEXT, crew INTEGER NOT NULL,
  PRIMARY KEY (team_id, visit_id)
) WITHOUT ROWID;

CREATE VIEW team_breaches_source AS
  SELECT n.team_id, x.nominal_id, x.id AS breach_id, x.occurred_at
  FROM breaches x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_breaches (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, breach_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  PRIMARY KEY (team_id, nominal_id, breach_id)
) WITHOUT ROWID;

CREATE VIEW team_orders_source AS
  SELECT n.team_id, x.nominal_id, x.id AS order_id, x.kind, x.ends_on
  FROM orders x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_orders (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, order_id TEXT NOT NULL,
  kind TEXT NOT NULL, ends_on TEXT,
  PRIMARY KEY (team_id, nominal_id, order_id)
) WITHOUT ROWID;

-- A nominal has one set of notification requirements (migration 0010), found by the nominal.
CREATE VIEW team_notification_requirements_source AS
  SELECT n.team_id, x.nominal_id, x.relevant_date, x.disposal, x.months, x.age_at_relevant
  FROM notification_requirements x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_notification_requirements (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, relevant_date TEXT NOT NULL,
  disposal TEXT NOT NULL, months INTEGER, age_at_relevant INTEGER,
  PRIMARY KEY (team_id, nominal_id)
) WITHOUT ROWID;

CREATE VIEW team_notifications_source AS
  SELECT n.team_id, x.nominal_id, x.id AS notification_id, x.kind, x.event_on, x.notified_on,
         x.excluded_days
  FROM notifications x JOIN nominals n ON n.id = x.nominal_id;
CREATE TABLE team_notifications (
  team_id TEXT NOT NULL, nominal_id TEXT NOT NULL, notification_id TEXT NOT NULL,
  kind TEXT NOT NULL, event_on TEXT NOT NULL, notified_on TEXT, excluded_days INTEGER NOT NULL,
  PRIMARY KEY (team_id, nominal_id, notification_id)
) WITHOUT ROWID;

-- The copies of what is already here, in key order.
INSERT INTO team_assessments SELECT * FROM team_assessments_source ORDER BY 1, 2, 3;
INSERT INTO team_plans SELECT * FROM team_plans_source ORDER BY 1, 2, 4, 3;
INSERT INTO team_plan_actions SELECT * FROM team_plan_actions_source ORDER BY 1, 2, 3, 4;
INSERT INTO team_visits SELECT * FROM team_visits_source ORDER BY 1, 2, 3;
INSERT INTO team_breaches SELECT * FROM team_breaches_source ORDER BY 1, 2, 3;
INSERT INTO team_orders SELECT * FROM team_orders_source ORDER BY 1, 2, 3;
INSERT INTO team_notification_requirements SELECT * FROM team_notification_requirements_source
  ORDER BY 1, 2;
INSERT INTO team_notifications SELECT * FROM team_notifications_source ORDER BY 1, 2, 3;

-- A fact written or changed: its copy is taken again from the view (nothing, while its nominal
-- has not arrived). A fact changed or removed: its old copy goes first, found by the key it had.
CREATE TRIGGER team_assessments_insert AFTER INSERT ON assessments BEGIN
  INSERT OR REPLACE INTO team_assessments
    SELECT * FROM team_assessments_source WHERE assessment_id = NEW.id;
END;
CREATE TRIGGER team_assessments_update AFTER UPDATE OF nominal_id, assessed_on, risk_level
    ON assessments BEGIN
  DELETE FROM team_assessments WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND assessment_id = OLD.id;
  INSERT OR REPLACE INTO team_assessments
    SELECT * FROM team_assessments_source WHERE assessment_id = NEW.id;
END;
CREATE TRIGGER team_assessments_delete AFTER DELETE ON assessments BEGIN
  DELETE FROM team_assessments WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND assessment_id = OLD.id;
END;

CREATE TRIGGER team_plans_insert AFTER INSERT ON plans BEGIN
  INSERT OR REPLACE INTO team_plans SELECT * FROM team_plans_source WHERE plan_id = NEW.id;
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE plan_id = NEW.id;
END;
CREATE TRIGGER team_plans_update AFTER UPDATE OF nominal_id, started_on, last_reviewed_on,
    visit_every_months, double_crewed ON plans BEGIN
  DELETE FROM team_plans WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND plan_id = OLD.id;
  INSERT OR REPLACE INTO team_plans SELECT * FROM team_plans_source WHERE plan_id = NEW.id;
END;
-- A plan moved to another nominal takes its actions with it.
CREATE TRIGGER team_plans_move AFTER UPDATE OF nominal_id ON plans
    WHEN OLD.nominal_id IS NOT NEW.nominal_id BEGIN
  DELETE FROM team_plan_actions WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND plan_id = OLD.id;
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE plan_id = NEW.id;
END;
CREATE TRIGGER team_plans_delete AFTER DELETE ON plans BEGIN
  DELETE FROM team_plans WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND plan_id = OLD.id;
  DELETE FROM team_plan_actions WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND plan_id = OLD.id;
END;

CREATE TRIGGER team_plan_actions_insert AFTER INSERT ON plan_actions BEGIN
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE action_id = NEW.id;
END;
CREATE TRIGGER team_plan_actions_update AFTER UPDATE OF plan_id, status, due_on, completed_on,
    owner_id, description ON plan_actions BEGIN
  DELETE FROM team_plan_actions WHERE team_id = (SELECT n.team_id FROM plans p JOIN
      nominals n ON n.id = p.nominal_id WHERE p.id = OLD.plan_id) AND nominal_id = (SELECT
      nominal_id FROM plans WHERE id = OLD.plan_id) AND plan_id = OLD.plan_id AND action_id = OLD.id;
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE action_id = NEW.id;
END;
CREATE TRIGGER team_plan_actions_delete AFTER DELETE ON plan_actions BEGIN
  DELETE FROM team_plan_actions WHERE team_id = (SELECT n.team_id FROM plans p JOIN
      nominals n ON n.id = p.nominal_id WHERE p.id = OLD.plan_id) AND nominal_id = (SELECT
      nominal_id FROM plans WHERE id = OLD.plan_id) AND plan_id = OLD.plan_id AND action_id = OLD.id;
END;

CREATE TRIGGER team_visits_update AFTER UPDATE OF nominal_id, occurred_at, amended_occurred_at,
    outcome, amended_outcome, risk_change, amended_risk_change, announced, amended_announced,
    recorded_by ON visits BEGIN
  DELETE FROM team_visits WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND visit_id = OLD.id;
  INSERT OR REPLACE INTO team_visits SELECT * FROM team_visits_source WHERE visit_id = NEW.id;
END;
CREATE TRIGGER team_visits_delete AFTER DELETE ON visits BEGIN
  DELETE FROM team_visits WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND visit_id = OLD.id;
END;
-- Who attended changes the visit's crew, counted again in place (an attendee added is counted
-- when its visit is copied).
CREATE TRIGGER team_visits_attendee_update AFTER UPDATE OF visit_id, present ON visit_attendees
    BEGIN
  UPDATE team_visits SET crew = (SELECT count(*) FROM effective_visit_attendees
      WHERE visit_id = OLD.visit_id)
    WHERE team_id = (SELECT n.team_id FROM visits v JOIN nominals n ON n.id = v.nominal_id
      WHERE v.id = OLD.visit_id) AND visit_id = OLD.visit_id;
  UPDATE team_visits SET crew = (SELECT count(*) FROM effective_visit_attendees
      WHERE visit_id = NEW.visit_id)
    WHERE team_id = (SELECT n.team_id FROM visits v JOIN nominals n ON n.id = v.nominal_id
      WHERE v.id = NEW.visit_id) AND visit_id = NEW.visit_id;
END;
CREATE TRIGGER team_visits_attendee_delete AFTER DELETE ON visit_attendees BEGIN
  UPDATE team_visits SET crew = (SELECT count(*) FROM effective_visit_attendees
      WHERE visit_id = OLD.visit_id)
    WHERE team_id = (SELECT n.team_id FROM visits v JOIN nominals n ON n.id = v.nominal_id
      WHERE v.id = OLD.visit_id) AND visit_id = OLD.visit_id;
END;

CREATE TRIGGER team_breaches_insert AFTER INSERT ON breaches BEGIN
  INSERT OR REPLACE INTO team_breaches SELECT * FROM team_breaches_source WHERE breach_id = NEW.id;
END;
CREATE TRIGGER team_breaches_update AFTER UPDATE OF nominal_id, occurred_at ON breaches BEGIN
  DELETE FROM team_breaches WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND breach_id = OLD.id;
  INSERT OR REPLACE INTO team_breaches SELECT * FROM team_breaches_source WHERE breach_id = NEW.id;
END;
CREATE TRIGGER team_breaches_delete AFTER DELETE ON breaches BEGIN
  DELETE FROM team_breaches WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND breach_id = OLD.id;
END;

CREATE TRIGGER team_orders_insert AFTER INSERT ON orders BEGIN
  INSERT OR REPLACE INTO team_orders SELECT * FROM team_orders_source WHERE order_id = NEW.id;
END;
CREATE TRIGGER team_orders_update AFTER UPDATE OF nominal_id, kind, ends_on ON orders BEGIN
  DELETE FROM team_orders WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND order_id = OLD.id;
  INSERT OR REPLACE INTO team_orders SELECT * FROM team_orders_source WHERE order_id = NEW.id;
END;
CREATE TRIGGER team_orders_delete AFTER DELETE ON orders BEGIN
  DELETE FROM team_orders WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND order_id = OLD.id;
END;

CREATE TRIGGER team_notification_requirements_insert AFTER INSERT ON notification_requirements
    BEGIN
  INSERT OR REPLACE INTO team_notification_requirements
    SELECT * FROM team_notification_requirements_source WHERE nominal_id = NEW.nominal_id;
END;
CREATE TRIGGER team_notification_requirements_update AFTER UPDATE OF nominal_id, relevant_date,
    disposal, months, age_at_relevant ON notification_requirements BEGIN
  DELETE FROM team_notification_requirements WHERE team_id = (SELECT team_id FROM nominals
      WHERE id = OLD.nominal_id) AND nominal_id = OLD.nominal_id;
  INSERT OR REPLACE INTO team_notification_requirements
    SELECT * FROM team_notification_requirements_source WHERE nominal_id = NEW.nominal_id;
END;
CREATE TRIGGER team_notification_requirements_delete AFTER DELETE ON notification_requirements
    BEGIN
  DELETE FROM team_notification_requirements WHERE team_id = (SELECT team_id FROM nominals
      WHERE id = OLD.nominal_id) AND nominal_id = OLD.nominal_id;
END;

CREATE TRIGGER team_notifications_insert AFTER INSERT ON notifications BEGIN
  INSERT OR REPLACE INTO team_notifications
    SELECT * FROM team_notifications_source WHERE notification_id = NEW.id;
END;
CREATE TRIGGER team_notifications_update AFTER UPDATE OF nominal_id, kind, event_on,
    notified_on, excluded_days ON notifications BEGIN
  DELETE FROM team_notifications WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND notification_id = OLD.id;
  INSERT OR REPLACE INTO team_notifications
    SELECT * FROM team_notifications_source WHERE notification_id = NEW.id;
END;
CREATE TRIGGER team_notifications_delete AFTER DELETE ON notifications BEGIN
  DELETE FROM team_notifications WHERE team_id = (SELECT team_id FROM nominals WHERE id =
      OLD.nominal_id) AND nominal_id = OLD.nominal_id AND notification_id = OLD.id;
END;

-- A nominal that arrives after its facts gathers them; one moved to another team, or removed,
-- takes its facts with it.
CREATE TRIGGER team_facts_nominal_insert AFTER INSERT ON nominals BEGIN
  INSERT OR REPLACE INTO team_assessments
    SELECT * FROM team_assessments_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_plans SELECT * FROM team_plans_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_visits SELECT * FROM team_visits_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_breaches
    SELECT * FROM team_breaches_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_orders SELECT * FROM team_orders_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_notification_requirements
    SELECT * FROM team_notification_requirements_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_notifications
    SELECT * FROM team_notifications_source WHERE nominal_id = NEW.id;
END;
CREATE TRIGGER team_facts_nominal_move AFTER UPDATE OF id, team_id ON nominals
    WHEN OLD.team_id IS NOT NEW.team_id OR OLD.id IS NOT NEW.id BEGIN
  DELETE FROM team_assessments WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_plans WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_plan_actions WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_visits WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_breaches WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_orders WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_notification_requirements WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_notifications WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  INSERT OR REPLACE INTO team_assessments
    SELECT * FROM team_assessments_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_plans SELECT * FROM team_plans_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_plan_actions
    SELECT * FROM team_plan_actions_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_visits SELECT * FROM team_visits_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_breaches
    SELECT * FROM team_breaches_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_orders SELECT * FROM team_orders_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_notification_requirements
    SELECT * FROM team_notification_requirements_source WHERE nominal_id = NEW.id;
  INSERT OR REPLACE INTO team_notifications
    SELECT * FROM team_notifications_source WHERE nominal_id = NEW.id;
END;
CREATE TRIGGER team_facts_nominal_delete AFTER DELETE ON nominals BEGIN
  DELETE FROM team_assessments WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_plans WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_plan_actions WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_visits WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_breaches WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_orders WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_notification_requirements WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
  DELETE FROM team_notifications WHERE team_id = OLD.team_id AND nominal_id = OLD.id;
END;

-- The reports read visits from their copy now, so the index of visits by nominal (migration 0020)
-- holds no more than what finds a nominal's visits in time order (the nominal's page, the
-- tablet's caseload): every visit stored writes a smaller entry.
DROP INDEX visits_nominal;
CREATE INDEX visits_nominal ON visits(nominal_id, coalesce(amended_occurred_at, occurred_at));
