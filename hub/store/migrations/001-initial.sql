-- 001: devices, tokens, presses, the outbox, quarantine, stats, device state.
-- Times are integer milliseconds since the Unix epoch (hub clock) unless named *_iso.

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Per-device credentials: only the SHA-256 digest of the 256-bit random secret.
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  counter_id TEXT NOT NULL,
  secret_sha256 BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

-- Bearer tokens for the HTTP API, digest only.
CREATE TABLE access_tokens (
  token_sha256 BLOB PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('kiosk', 'officer', 'technician', 'manager')),
  counter_id TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

-- Counters of the config the hub last started with, so CLI commands run without
-- --config can check a counter id.
CREATE TABLE centre_counters (
  counter_id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  lockout_ms INTEGER
) STRICT;

-- Every stored press, misuse-flagged ones included (invariant 6).
CREATE TABLE presses (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  boot TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  counter_id TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
  misuse INTEGER NOT NULL CHECK (misuse IN (0, 1)),
  pressed_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  device_at INTEGER,
  up_ms INTEGER NOT NULL,
  sent_up_ms INTEGER,
  clock_quality TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  UNIQUE (device_id, boot, device_seq)
) STRICT;
CREATE INDEX presses_by_pressed_at ON presses (pressed_at);

-- The outbox: AUTOINCREMENT so a seq is never reused, even after rows are pruned.
-- hash = SHA-256 of the event's canonical JSON (type, at, data): the Secretariat
-- alarms when one (centre, epoch, seq) arrives with two different hashes.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  hash BLOB NOT NULL
) STRICT;

-- Device messages that could not be accepted: kept raw (truncated), counted, visible.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  device_id TEXT,
  topic TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  payload_bytes INTEGER NOT NULL,
  payload BLOB NOT NULL
) STRICT;

-- All-time counters (presses, duplicates, rejections by reason …).
CREATE TABLE stats (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;

-- Last known presence and telemetry per device.
CREATE TABLE device_state (
  device_id TEXT PRIMARY KEY,
  presence TEXT NOT NULL CHECK (presence IN ('online', 'offline')),
  since INTEGER NOT NULL,
  fw TEXT,
  boot TEXT,
  telemetry TEXT,
  telemetry_at INTEGER
) STRICT;
