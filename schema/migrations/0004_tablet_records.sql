-- Sync metadata (docs/house-style.md, "Data") where it was missing. Tablets hold the policy
-- versions, to work out what is due with the policy in force as the server does; and a tablet's read events travel
-- through sync like every other fact, so the audit log's rows carry it too.
ALTER TABLE policy_versions ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE policy_versions ADD COLUMN sync_clock TEXT;
ALTER TABLE policy_versions ADD COLUMN sync_device_id TEXT;
ALTER TABLE audit_log ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN sync_clock TEXT;
ALTER TABLE audit_log ADD COLUMN sync_device_id TEXT;
