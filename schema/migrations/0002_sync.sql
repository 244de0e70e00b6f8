-- The sync server's bookkeeping (docs/sync-protocol.md).

-- Each changed field's value once the change was taken in, in the wire's text form (a field whose
-- write lost a conflict keeps the winner's value), so replaying `applied` in sequence order gives
-- exactly the server's state. NULL for a rejected change. team_id is the team whose tablets receive the change (NULL: none,
-- as for read-audit events); left_team_id is the team a record moved out of with this change.
ALTER TABLE changes ADD COLUMN applied TEXT;
ALTER TABLE changes ADD COLUMN team_id TEXT;
ALTER TABLE changes ADD COLUMN left_team_id TEXT;
CREATE INDEX changes_team ON changes(team_id, seq) WHERE team_id IS NOT NULL;

-- Every write to each field of a mutable record: its clock and device, the value written and the
-- value the device saw (base). The value standing is the write with the latest clock; the open
-- conflicts of a field are worked out from these writes alone, so every server records the same
-- conflicts whatever order the writes arrived in. A field with no write here was last set by an
-- import or the seed, which every synced write follows.
CREATE TABLE field_writes (
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  field      TEXT NOT NULL,
  change_id  TEXT NOT NULL,
  clock      TEXT NOT NULL,
  device_id  TEXT NOT NULL,
  value      TEXT,
  base       TEXT,
  has_base   INTEGER NOT NULL CHECK (has_base IN (0, 1)),   -- 0: the write created the record
  PRIMARY KEY (entity, entity_id, field, change_id)
) WITHOUT ROWID;

-- A field's conflicts are worked out again at each write to it.
CREATE INDEX conflicts_field ON conflicts(entity, entity_id, field, status);

-- Every index is written for every change a tablet pushes. visits_nominal (nominal, outcome,
-- time) already answers "last seen visit" from its prefix, and nothing looks changes up by
-- entity, so these two only cost writes.
DROP INDEX visits_seen;
DROP INDEX changes_entity;
