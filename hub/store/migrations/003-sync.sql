-- 003: sync to the Secretariat.
-- The sync cursor lives in meta: sync_acked_through_seq (the Secretariat's last
-- answer), sync_highest_seq, sync_last_at (ISO time of the last successful exchange).

-- Records the Secretariat set aside as invalid (they still count towards its
-- contiguous ack, so they never block the queue): visible and counted here too.
CREATE TABLE sync_quarantine (
  seq INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  reported_at INTEGER NOT NULL
) STRICT;

-- Dedup horizon (ARCHITECTURE, known traps): when old press rows are pruned, the
-- highest device seq pruned per (device, boot) stays here, so a late replay of a
-- pruned press is recognised as a duplicate and never stored or synced twice.
CREATE TABLE press_watermarks (
  device_id TEXT NOT NULL,
  boot TEXT NOT NULL,
  max_device_seq INTEGER NOT NULL,
  PRIMARY KEY (device_id, boot)
) STRICT, WITHOUT ROWID;

CREATE INDEX presses_by_event_seq ON presses (event_seq);
