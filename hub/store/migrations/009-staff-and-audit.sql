-- 009: staff accounts for technicians and managers, and the audit trail (issue 15).

-- A staff member logs in at /technician or /manager with a generated password, stored
-- as a salted scrypt hash. Wrong passwords are counted per name within a window; at
-- the limit the name is locked until `locked_until` (docs/security.md, "Staff login").
CREATE TABLE staff (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('technician', 'manager')),
  password_salt BLOB NOT NULL,
  password_hash BLOB NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  window_started_at INTEGER,
  locked_until INTEGER,
  created_at INTEGER NOT NULL
) STRICT;

-- A login session is an access token that names its staff member, so removing the
-- member ends their sessions and the audit trail knows who acted.
ALTER TABLE access_tokens ADD COLUMN staff_name TEXT;

-- Every staff action, newest read first; each row is also an audit.recorded event in
-- the outbox (event_seq), so the Secretariat holds the same trail.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL,
  event_seq INTEGER NOT NULL
) STRICT;
