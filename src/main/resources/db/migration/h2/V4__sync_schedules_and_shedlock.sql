-- Scheduled delta syncs: one per storage-sync step with a schedule, per cutover.
CREATE TABLE sync_schedule (
    cutover_id     VARCHAR(36)   NOT NULL,
    step_id        VARCHAR(100)  NOT NULL,
    cron           VARCHAR(100)  NOT NULL,
    state          VARCHAR(10)   NOT NULL,
    next_run_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_run_id    BIGINT,
    last_reported  BOOLEAN       NOT NULL DEFAULT TRUE,
    spec           CLOB          NOT NULL,
    paused_reason  VARCHAR(500),
    PRIMARY KEY (cutover_id, step_id)
);

-- ShedLock: one scheduler tick at a time across service instances.
CREATE TABLE shedlock (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    lock_until  TIMESTAMP(3) NOT NULL,
    locked_at   TIMESTAMP(3) NOT NULL,
    locked_by   VARCHAR(255) NOT NULL
);
