-- 007: what was refused from each device, by reason (issue 12), for technicians.
-- The stats table keeps the centre's totals; this says which device they came from.
CREATE TABLE device_refusals (
  device_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  last_detail TEXT NOT NULL,
  PRIMARY KEY (device_id, reason)
) STRICT, WITHOUT ROWID;
