-- Tablets hold the policy versions so they work out what is due with the policy in force, as
-- the server does; like every record a tablet holds, a version carries the sync metadata.
ALTER TABLE policy_versions ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE policy_versions ADD COLUMN sync_clock TEXT;
ALTER TABLE policy_versions ADD COLUMN sync_device_id TEXT;
