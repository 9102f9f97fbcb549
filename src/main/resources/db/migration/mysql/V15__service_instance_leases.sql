-- Several service instances on one database (issue 14): each instance renews a lease row every few
-- seconds (times by the database clock, so instances with skewed clocks agree); a row whose
-- expires_at passed belongs to a dead instance. Rows stay after death so an interrupted cutover can
-- name the instance (host, pid) that ran it.
CREATE TABLE service_instance (
    id          VARCHAR(200) NOT NULL PRIMARY KEY,
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT       NOT NULL,
    started_at  DATETIME(6)  NOT NULL,
    renewed_at  DATETIME(6)  NOT NULL,
    expires_at  DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The instance running the cutover's phase or rollback execution; NULL for rows from before leases.
ALTER TABLE cutover ADD COLUMN owner_instance VARCHAR(200) NULL;

-- The instance that appended each event: every instance follows the log by id and fans out to its
-- screens what the others appended (what it appended itself it has delivered already).
ALTER TABLE cutover_event ADD COLUMN instance_id VARCHAR(200) NULL;

-- The instance running each sync run: only a dead instance's running runs are marked INTERRUPTED.
ALTER TABLE sync_run ADD COLUMN owner_instance VARCHAR(200);
