-- Fallback snapshots (issue 13): one row per snapshot a mysql-snapshot or mongo-snapshot step took,
-- where it lies (store connection, bucket, key), what it holds (size, CRC32C, the source position it
-- is consistent with) and whether it was proven to restore (restore_check passed, failed or not-run,
-- with a one-line detail). Rows only grow: the service never deletes a snapshot or its object.
CREATE TABLE fallback_snapshot (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    cutover_id     VARCHAR(36)   NOT NULL,
    step_id        VARCHAR(100)  NOT NULL,
    kind           VARCHAR(10)   NOT NULL,
    connection_name VARCHAR(200) NOT NULL,
    store          VARCHAR(200)  NOT NULL,
    bucket         VARCHAR(255)  NOT NULL,
    object_key     VARCHAR(1024) NOT NULL,
    size_bytes     BIGINT        NOT NULL,
    crc32c         VARCHAR(16)   NOT NULL,
    source_position VARCHAR(2000) NOT NULL,
    started_at     TIMESTAMP(3) WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP(3) WITH TIME ZONE NOT NULL,
    restore_check  VARCHAR(10)   NOT NULL,
    restore_detail VARCHAR(4000) NOT NULL,
    CONSTRAINT fallback_snapshot_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
);
CREATE INDEX fallback_snapshot_by_cutover ON fallback_snapshot (cutover_id, id);
