-- 002: a counter bumped by every change to the devices table, whichever process
-- makes it (the CLI writes while the hub runs). The hub polls this one row instead of
-- PRAGMA data_version, which every ingest commit of the writer thread also changes.

INSERT OR IGNORE INTO meta (key, value) VALUES ('devices_version', '0');

CREATE TRIGGER devices_version_after_insert AFTER INSERT ON devices BEGIN
  UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'devices_version';
END;

CREATE TRIGGER devices_version_after_update AFTER UPDATE ON devices BEGIN
  UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'devices_version';
END;

CREATE TRIGGER devices_version_after_delete AFTER DELETE ON devices BEGIN
  UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'devices_version';
END;
