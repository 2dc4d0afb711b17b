-- 006: ticket print jobs (issue 6). A ticket's job is written with the ticket in the
-- same transaction, so a ticket whose print failed, or that was issued just before a
-- crash, is known and reprinted, never lost; `printed` only once the printer confirmed
-- the job (the GS r barrier after the cut).
CREATE TABLE print_jobs (
  ticket_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('pending', 'printed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  printed_at INTEGER
) STRICT;

CREATE INDEX print_jobs_pending ON print_jobs (created_at) WHERE state = 'pending';
