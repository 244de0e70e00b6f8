-- One person, one view (docs/domain.md, "One person"): a suspect's and a bail case's date of birth,
-- so each is matched with the nominal they are (same date of birth, names alike), and the suspect a
-- bail case is about.
ALTER TABLE suspects ADD COLUMN date_of_birth TEXT;
ALTER TABLE bail_cases ADD COLUMN date_of_birth TEXT;
ALTER TABLE bail_cases ADD COLUMN suspect_id TEXT REFERENCES suspects(id);
CREATE INDEX nominals_date_of_birth ON nominals(date_of_birth);
