-- Device side: what a pull brought that the tablet could not store (a value it cannot read, a
-- record naming one it does not hold), kept with the reason instead of stopping every sync, and
-- shown by `vigil-field status`. The rest of the scope goes on syncing. Emptied when the scope is
-- taken afresh, when each item is tried again.
CREATE TABLE set_aside (
  entity        TEXT NOT NULL,
  entity_id     TEXT NOT NULL,
  seq           INTEGER NOT NULL,   -- the server's change number that brought it
  reason        TEXT NOT NULL,
  set_aside_at  TEXT NOT NULL,
  PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;
