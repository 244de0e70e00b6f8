-- The open bail and RUI cases and the outstanding suspects, kept clustered by team for the
-- suspects report, as migration 0021 keeps the offender managers' facts (ARCHITECTURE.md,
-- "Reports read facts kept by team"). Read through their own indexes, a team's open cases cost a
-- row, an extension, a review and a suspect lookup each, on pages of their own: some 1,500 pages
-- for one team's report. Each copy holds only what is open, with the latest extension, review and
-- trace enquiry folded in, ordered by reference within the team.
--
-- Each copy is defined by its view, team_*_source, and kept equal to it by triggers in the
-- transaction that writes a case, a suspect or anything folded into them; a case or suspect
-- closed leaves its copy.

CREATE VIEW team_open_cases_source AS
  SELECT c.team_id, c.ref, c.id AS case_id, c.surname, c.forenames, c.officer_id, c.arrested_on,
         c.case_type, c.status, c.expected_finish_on,
         (SELECT max(e.extended_to) FROM bail_extensions e WHERE e.bail_case_id = c.id)
             AS extended_to,
         (SELECT max(r.reviewed_on) FROM rui_reviews r WHERE r.bail_case_id = c.id)
             AS reviewed_on,
         c.date_of_birth, c.suspect_id
  FROM bail_cases c WHERE c.status = 'bail' OR c.status = 'rui';
CREATE TABLE team_open_cases (
  team_id TEXT NOT NULL, ref TEXT NOT NULL, case_id TEXT NOT NULL, surname TEXT NOT NULL,
  forenames TEXT NOT NULL, officer_id TEXT, arrested_on TEXT NOT NULL, case_type TEXT NOT NULL,
  status TEXT NOT NULL, expected_finish_on TEXT, extended_to TEXT, reviewed_on TEXT,
  date_of_birth TEXT, suspect_id TEXT,
  PRIMARY KEY (team_id, ref)
) WITHOUT ROWID;

CREATE VIEW team_outstanding_suspects_source AS
  SELECT s.team_id, s.ref, s.id AS suspect_id, s.surname, s.forenames, s.offence, s.officer_id,
         s.harm, s.outstanding_since, s.circulated_on, s.last_trace_on,
         (SELECT max(e.occurred_at) FROM trace_enquiries e WHERE e.suspect_id = s.id)
             AS traced_at,
         s.last_review_on,
         (SELECT max(r.reviewed_on) FROM suspect_reviews r WHERE r.suspect_id = s.id)
             AS reviewed_on,
         s.date_of_birth
  FROM suspects s WHERE s.status = 'outstanding';
CREATE TABLE team_outstanding_suspects (
  team_id TEXT NOT NULL, ref TEXT NOT NULL, suspect_id TEXT NOT NULL, surname TEXT NOT NULL,
  forenames TEXT NOT NULL, offence TEXT NOT NULL, officer_id TEXT, harm INTEGER NOT NULL,
  outstanding_since TEXT NOT NULL, circulated_on TEXT, last_trace_on TEXT, traced_at TEXT,
  last_review_on TEXT, reviewed_on TEXT, date_of_birth TEXT,
  PRIMARY KEY (team_id, ref)
) WITHOUT ROWID;

INSERT INTO team_open_cases SELECT * FROM team_open_cases_source ORDER BY 1, 2;
INSERT INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
  ORDER BY 1, 2;

-- A case written or changed: its old copy goes, found by the key it had, and it is copied again
-- from the view (nothing once it is closed). What is folded in takes its case's copy again.
CREATE TRIGGER team_open_cases_insert AFTER INSERT ON bail_cases BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = NEW.id;
END;
CREATE TRIGGER team_open_cases_update AFTER UPDATE OF team_id, ref, surname, forenames,
    officer_id, arrested_on, case_type, status, expected_finish_on, date_of_birth, suspect_id
    ON bail_cases BEGIN
  DELETE FROM team_open_cases WHERE team_id = OLD.team_id AND ref = OLD.ref;
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = NEW.id;
END;
CREATE TRIGGER team_open_cases_delete AFTER DELETE ON bail_cases BEGIN
  DELETE FROM team_open_cases WHERE team_id = OLD.team_id AND ref = OLD.ref;
END;
CREATE TRIGGER team_open_cases_extension_insert AFTER INSERT ON bail_extensions BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = NEW.bail_case_id;
END;
CREATE TRIGGER team_open_cases_extension_update AFTER UPDATE OF bail_case_id, extended_to
    ON bail_extensions BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = OLD.bail_case_id OR case_id = NEW.bail_case_id;
END;
CREATE TRIGGER team_open_cases_extension_delete AFTER DELETE ON bail_extensions BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = OLD.bail_case_id;
END;
CREATE TRIGGER team_open_cases_review_insert AFTER INSERT ON rui_reviews BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = NEW.bail_case_id;
END;
CREATE TRIGGER team_open_cases_review_update AFTER UPDATE OF bail_case_id, reviewed_on
    ON rui_reviews BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = OLD.bail_case_id OR case_id = NEW.bail_case_id;
END;
CREATE TRIGGER team_open_cases_review_delete AFTER DELETE ON rui_reviews BEGIN
  INSERT OR REPLACE INTO team_open_cases SELECT * FROM team_open_cases_source
    WHERE case_id = OLD.bail_case_id;
END;

CREATE TRIGGER team_outstanding_suspects_insert AFTER INSERT ON suspects BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = NEW.id;
END;
CREATE TRIGGER team_outstanding_suspects_update AFTER UPDATE OF team_id, ref, surname, forenames,
    offence, officer_id, harm, outstanding_since, circulated_on, last_trace_on, last_review_on,
    status, date_of_birth ON suspects BEGIN
  DELETE FROM team_outstanding_suspects WHERE team_id = OLD.team_id AND ref = OLD.ref;
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = NEW.id;
END;
CREATE TRIGGER team_outstanding_suspects_delete AFTER DELETE ON suspects BEGIN
  DELETE FROM team_outstanding_suspects WHERE team_id = OLD.team_id AND ref = OLD.ref;
END;
CREATE TRIGGER team_outstanding_suspects_trace_insert AFTER INSERT ON trace_enquiries BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = NEW.suspect_id;
END;
CREATE TRIGGER team_outstanding_suspects_trace_update AFTER UPDATE OF suspect_id, occurred_at
    ON trace_enquiries BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = OLD.suspect_id OR suspect_id = NEW.suspect_id;
END;
CREATE TRIGGER team_outstanding_suspects_trace_delete AFTER DELETE ON trace_enquiries BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = OLD.suspect_id;
END;
CREATE TRIGGER team_outstanding_suspects_review_insert AFTER INSERT ON suspect_reviews BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = NEW.suspect_id;
END;
CREATE TRIGGER team_outstanding_suspects_review_update AFTER UPDATE OF suspect_id, reviewed_on
    ON suspect_reviews BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = OLD.suspect_id OR suspect_id = NEW.suspect_id;
END;
CREATE TRIGGER team_outstanding_suspects_review_delete AFTER DELETE ON suspect_reviews BEGIN
  INSERT OR REPLACE INTO team_outstanding_suspects SELECT * FROM team_outstanding_suspects_source
    WHERE suspect_id = OLD.suspect_id;
END;
