-- The keyed read audit: the key the server gives a tablet at its sign-in (hex, 32 bytes), from
-- which the key of each read event's chain link follows, one step per event. NULL for a device
-- that signed in before keys were given: its chain links stay plain SHA-256.
ALTER TABLE devices ADD COLUMN audit_key TEXT;
