-- The visits whose effective visit (migration 0011) must be worked out from the amendments a
-- store already held when it was upgraded. Listed here, in the migration's own transaction, so
-- the list survives whatever stops the program before sync::migrate has settled them: it settles
-- and removes them, however many times it takes. Empty once settled, and on a new store.
CREATE TABLE visits_to_settle (visit_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO visits_to_settle (visit_id) SELECT DISTINCT visit_id FROM visit_amendments;
