-- An action of a plan may be another agency's to carry out (probation, children's services, a
-- housing provider): named so the supervisor sees who owns it outside the force.
ALTER TABLE plan_actions ADD COLUMN partner_agency TEXT NOT NULL DEFAULT '';
