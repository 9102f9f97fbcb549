-- Preflight tables (issue 13): one row per run, the whole table as JSON. Secrets never reach it:
-- every text is masked before it is stored. Named V11 so that a V10 of another change does not clash.

CREATE TABLE preflight_run (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    runbook      VARCHAR(200) NOT NULL,
    environment  VARCHAR(200) NOT NULL,
    cutover_id   VARCHAR(64),
    started_at   TIMESTAMP    NOT NULL,
    wall_ms      BIGINT       NOT NULL,
    checks       INT          NOT NULL,
    failed       INT          NOT NULL,
    warnings     INT          NOT NULL,
    result_rows  CLOB         NOT NULL
);

CREATE INDEX preflight_run_runbook ON preflight_run (runbook, started_at);
