-- The keyed read audit: the key the server gives a tablet at its sign-in (hex, 32 bytes), from
-- which the key of each read event's chain link follows, one step per event. NULL for a device
-- that signed in before keys were given: its chain links stay plain SHA-256.
ALTER TABLE devices ADD COLUMN audit_key TEXT;
-- The key of the device's event audit_key_index (its next, usually), kept as the events arrive so
-- that each is checked one step from the last instead of as many steps as the chain is long.
ALTER TABLE devices ADD COLUMN audit_key_index INTEGER;
ALTER TABLE devices ADD COLUMN audit_key_at TEXT;
