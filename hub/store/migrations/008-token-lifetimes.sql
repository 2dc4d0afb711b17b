-- 008: every HTTP token expires (docs/security.md, "Hub HTTP API: token lifetimes").
-- Tokens made before by `huduma-hub token create` had no expiry. From this upgrade on
-- each gets the lifetime its role gets now, counted from the upgrade: kiosk 365 days,
-- officer, technician and manager 12 hours (make new ones with `token create`).
UPDATE access_tokens
  SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + CASE role WHEN 'kiosk' THEN 365 * 86400000 ELSE 12 * 3600000 END
  WHERE expires_at IS NULL;

-- "Who is signed in at this counter" (the counter sign-in rule, docs/queue.md).
CREATE INDEX access_tokens_sessions_by_counter ON access_tokens (counter_id, expires_at) WHERE officer_id IS NOT NULL AND revoked_at IS NULL;
