-- A cutover runs from the runbook text it was created with (issue 16, defect 3): a reload or an
-- edited file never changes the steps or inverses of a cutover already under way. Cutovers created
-- before this migration have no pinned text and keep reading the catalog.
ALTER TABLE cutover ADD COLUMN runbook_file VARCHAR(255);
ALTER TABLE cutover ADD COLUMN runbook_text CLOB;
ALTER TABLE cutover ADD COLUMN runbook_sha256 VARCHAR(64);
