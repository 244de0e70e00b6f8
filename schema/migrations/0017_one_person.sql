-- One person, one view (docs/domain.md, "One person"): a suspect's and a bail case's date of birth,
-- so each is matched with the nominal they are (same date of birth, names alike), and the suspect a
-- bail case is about. suspect_id is not a foreign key: a tablet may hold a case whose suspect its
-- team no longer keeps (the suspect moved on), and every reader takes the link only within the
-- case's own team.
ALTER TABLE suspects ADD COLUMN date_of_birth TEXT;
ALTER TABLE bail_cases ADD COLUMN date_of_birth TEXT;
ALTER TABLE bail_cases ADD COLUMN suspect_id TEXT;
CREATE INDEX nominals_date_of_birth ON nominals(date_of_birth);
CREATE INDEX suspects_date_of_birth ON suspects(date_of_birth);
CREATE INDEX bail_cases_date_of_birth ON bail_cases(date_of_birth);
