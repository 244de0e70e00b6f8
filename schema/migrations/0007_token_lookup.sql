-- Every request the server answers finds its caller by the SHA-256 of the bearer token. Without
-- an index that is a scan of every device the force has ever enrolled, on every request: with
-- hundreds of tablets it was a third of the cost of serving a cached report. A token names one
-- device, so the index is unique; a device that never signed in has none.
CREATE UNIQUE INDEX IF NOT EXISTS devices_token ON devices(token_hash) WHERE token_hash IS NOT NULL;
