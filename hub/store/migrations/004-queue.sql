-- 004: the queue (issue 5): tickets, their numbers, counters, services, appointments.
-- Written only by the queue engine in the writer thread (hub/queue/engine), one command
-- at a time, each with its domain events in the same transaction.

-- One row per ticket. `id` is `YYYYMMDD-<number>`; `day` is the centre's local day.
-- arrived_at is the original arrival: a transfer keeps it, so the ticket is placed by
-- it in its new service's queue. first_called_at is the first call ever (kept across a
-- transfer), so quoted and actual waits can be compared.
CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  day TEXT NOT NULL,
  prefix TEXT NOT NULL,
  seq_no INTEGER NOT NULL CHECK (seq_no >= 1),
  number TEXT NOT NULL,
  service_id TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('regular', 'elderly', 'disability', 'pregnancy', 'appointment')),
  status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'finished', 'no_show')),
  language TEXT NOT NULL CHECK (language IN ('en', 'sw')),
  issued_at INTEGER NOT NULL,
  arrived_at INTEGER NOT NULL,
  appointment_ref TEXT,
  appointment_at INTEGER,
  counter_id TEXT,
  officer_id TEXT,
  calls INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
  called_at INTEGER,
  first_called_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  people_ahead INTEGER NOT NULL CHECK (people_ahead >= 0),
  quoted_low_min INTEGER,
  quoted_high_min INTEGER,
  transfers INTEGER NOT NULL DEFAULT 0,
  UNIQUE (day, prefix, seq_no)
) STRICT;

-- "The waiting tickets of these services today, oldest arrival first" (call next,
-- people ahead, waiting counts): the partial index holds only waiting tickets.
CREATE INDEX tickets_waiting_by_arrival ON tickets (day, service_id, arrived_at) WHERE status = 'waiting';

-- The last number handed out per prefix per local day: numbers are gap-free because
-- the increment commits or rolls back with the ticket it numbered.
CREATE TABLE ticket_numbers (
  day TEXT NOT NULL,
  prefix TEXT NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (day, prefix)
) STRICT, WITHOUT ROWID;

-- A counter without a row is open with no officer (the sample centre starts open).
-- priority_run: priority tickets called in a row since the last walk-in.
CREATE TABLE counter_state (
  counter_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
  pause_reason TEXT,
  officer_id TEXT,
  current_ticket_id TEXT,
  priority_run INTEGER NOT NULL DEFAULT 0,
  changed_at INTEGER NOT NULL
) STRICT;

-- A suspension or resumption commanded at run time. `config_basis` is the config's
-- own `suspended` setting (JSON, 'null' when none) when the command was given: while
-- the config still says the same, the command stands; once the config is edited, the
-- config is the newer instruction and wins.
CREATE TABLE service_state (
  service_id TEXT PRIMARY KEY,
  suspended INTEGER NOT NULL CHECK (suspended IN (0, 1)),
  message_en TEXT,
  message_sw TEXT,
  config_basis TEXT NOT NULL,
  changed_at INTEGER NOT NULL
) STRICT;

-- Measured service time per service (EWMA, hub/queue/wait-estimate.ts).
CREATE TABLE service_time_stats (
  service_id TEXT PRIMARY KEY,
  mean_s REAL NOT NULL,
  var_s2 REAL NOT NULL,
  samples INTEGER NOT NULL
) STRICT;

-- Booked appointments; ticket_id is set at check-in (one ticket per booking). The
-- reference is matched without regard to case: citizens type it at the kiosk.
CREATE TABLE appointments (
  reference TEXT PRIMARY KEY COLLATE NOCASE,
  service_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  name TEXT,
  ticket_id TEXT,
  added_at INTEGER NOT NULL
) STRICT;

-- One row per time a ticket is at a counter (a transferred ticket has one per counter):
-- a feedback press is linked through it to the ticket and the service it rated.
CREATE TABLE ticket_visits (
  id INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  called_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT CHECK (outcome IN ('finished', 'no_show', 'transferred'))
) STRICT;
CREATE INDEX ticket_visits_by_counter ON ticket_visits (counter_id, called_at);
CREATE INDEX ticket_visits_by_ticket ON ticket_visits (ticket_id);

-- Every call and recall, for the hall board (newest first).
CREATE TABLE ticket_calls (
  id INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  number TEXT NOT NULL,
  service_id TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  calls INTEGER NOT NULL CHECK (calls >= 1),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_calls_by_ticket ON ticket_calls (ticket_id, id);
