-- A nominal's page shows a supervisor the latest reads of the record (who opened it and why).
-- The audit log grows by a row on every read, and a record opened at every morning meeting is
-- read thousands of times a year: indexed by the record alone, the page read every one of its
-- rows to keep the last few. Indexed by the record and the time, it reads the last few only.
-- (The new index serves every lookup by record the old one served.)

CREATE INDEX audit_log_entity_time ON audit_log(entity, entity_id, occurred_at);
DROP INDEX audit_log_entity;
