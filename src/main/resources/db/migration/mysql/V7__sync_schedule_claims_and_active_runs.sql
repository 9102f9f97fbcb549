-- A scheduled delta's start is claimed on its schedule row (only while ACTIVE); a pause waits
-- for claimed starts to finish, so no delta starts after a pause returned.
ALTER TABLE sync_schedule ADD COLUMN starting_since DATETIME(6);

-- At most one running sync (and one running verification) per mapping, across every instance
-- sharing this database: a running run holds its mapping's key (a SHA-256 of kind, runbook,
-- environment, source and target), an ended one NULL, which the unique index allows many times.
ALTER TABLE sync_run ADD COLUMN active_key VARCHAR(64);
CREATE UNIQUE INDEX sync_run_one_active_per_mapping ON sync_run (active_key);
-- Runs already running when this migration runs keep no key: they end as they would have.
