-- One row per sync (or verification) run: its spec and its manifest figures.
CREATE TABLE sync_run (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    kind                VARCHAR(10)  NOT NULL,
    mode                VARCHAR(10)  NOT NULL,
    state               VARCHAR(20)  NOT NULL,
    cutover_id          VARCHAR(36),
    step_id             VARCHAR(100),
    runbook             VARCHAR(100) NOT NULL,
    environment         VARCHAR(100) NOT NULL,
    actor               VARCHAR(100) NOT NULL,
    source              VARCHAR(500) NOT NULL,
    target              VARCHAR(500) NOT NULL,
    spec                CLOB         NOT NULL,
    job_execution_id    BIGINT,
    started_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    ended_at            TIMESTAMP(6) WITH TIME ZONE,
    planned_objects     BIGINT       NOT NULL DEFAULT 0,
    planned_bytes       BIGINT       NOT NULL DEFAULT 0,
    listed_objects      BIGINT       NOT NULL DEFAULT 0,
    listed_bytes        BIGINT       NOT NULL DEFAULT 0,
    copied_objects      BIGINT       NOT NULL DEFAULT 0,
    copied_bytes        BIGINT       NOT NULL DEFAULT 0,
    skipped_objects     BIGINT       NOT NULL DEFAULT 0,
    skipped_bytes       BIGINT       NOT NULL DEFAULT 0,
    failed_objects      BIGINT       NOT NULL DEFAULT 0,
    extra_objects       BIGINT       NOT NULL DEFAULT 0,
    deleted_objects     BIGINT       NOT NULL DEFAULT 0,
    requeued_objects    BIGINT       NOT NULL DEFAULT 0,
    mismatches          BIGINT       NOT NULL DEFAULT 0,
    message             VARCHAR(2000)
);
CREATE INDEX sync_run_by_step ON sync_run (cutover_id, step_id, id);

-- Objects a run could not copy, with the reason.
CREATE TABLE sync_failure (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    run_id      BIGINT        NOT NULL,
    object_key  VARCHAR(1024) NOT NULL,
    reason      VARCHAR(2000) NOT NULL,
    CONSTRAINT sync_failure_run_fk FOREIGN KEY (run_id) REFERENCES sync_run (id)
);
CREATE INDEX sync_failure_by_run ON sync_failure (run_id, id);

-- What a verification found missing or different, object by object.
CREATE TABLE sync_mismatch (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    run_id         BIGINT        NOT NULL,
    object_key     VARCHAR(1024) NOT NULL,
    kind           VARCHAR(30)   NOT NULL,
    source_size    BIGINT,
    target_size    BIGINT,
    source_crc32c  VARCHAR(20),
    target_crc32c  VARCHAR(20),
    CONSTRAINT sync_mismatch_run_fk FOREIGN KEY (run_id) REFERENCES sync_run (id)
);
CREATE INDEX sync_mismatch_by_run ON sync_mismatch (run_id, id);

-- Counts and bytes per top-level prefix, per side, of a verification.
CREATE TABLE sync_prefix_count (
    run_id          BIGINT       NOT NULL,
    prefix          VARCHAR(512) NOT NULL,
    source_objects  BIGINT       NOT NULL,
    source_bytes    BIGINT       NOT NULL,
    target_objects  BIGINT       NOT NULL,
    target_bytes    BIGINT       NOT NULL,
    PRIMARY KEY (run_id, prefix),
    CONSTRAINT sync_prefix_run_fk FOREIGN KEY (run_id) REFERENCES sync_run (id)
);
