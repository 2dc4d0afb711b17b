-- 010: alerts (issue 16, docs/alerts.md). Written only with their alert.* events in the
-- same writer transaction (hub/alerts/alert-writes.ts), so the manager's list and the
-- Secretariat's events never disagree.

-- One row per alert. `state` is active until it clears by itself (a standard back
-- within bounds) or a staff member resolves it with a note (poor_rating follow-ups).
-- The subject columns are copied at raise time: the ticket's number and officer are
-- what they were when the citizen rated, whatever the ticket did after.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'cleared', 'resolved')),
  raised_at INTEGER NOT NULL,
  counter_id TEXT,
  service_id TEXT,
  ticket_id TEXT,
  ticket_number TEXT,
  officer_id TEXT,
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  ended_at INTEGER,
  resolved_by TEXT,
  note TEXT
) STRICT;

-- The manager's list reads the active ones, newest first.
CREATE INDEX alerts_active ON alerts (raised_at) WHERE state = 'active';
