-- 005: counter officers, officer sessions, and the ticket each press rates.

-- Officers log in at a counter console with a PIN. PINs are short, so each is stored
-- as a salted scrypt hash, and repeated failures lock the officer out for a while.
CREATE TABLE officers (
  officer_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  pin_salt BLOB NOT NULL,
  pin_hash BLOB NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
) STRICT;

-- A PIN login makes an officer token bound to its counter that expires (a shift).
ALTER TABLE access_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE access_tokens ADD COLUMN officer_id TEXT;

-- The ticket served at the press's counter at the press time (issue 5), also in the
-- feedback.pressed event; NULL when none was, and for presses stored before.
ALTER TABLE presses ADD COLUMN ticket_id TEXT;
ALTER TABLE presses ADD COLUMN service_id TEXT;
