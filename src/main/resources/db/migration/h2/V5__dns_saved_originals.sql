-- The record sets a dns-ttl or dns-switch step found before its first change, per cutover and step:
-- the step's inverse puts back exactly these, also after a restart of the service. One row per record
-- type the step touches; present = FALSE means there was none (the inverse deletes what is there).
-- Written once: a retried step keeps the original it saved first. Values are newline-separated.
CREATE TABLE dns_saved_original (
    cutover_id       VARCHAR(36)   NOT NULL,
    step_id          VARCHAR(100)  NOT NULL,
    record_type      VARCHAR(10)   NOT NULL,
    connection_name  VARCHAR(100)  NOT NULL,
    record_name      VARCHAR(255)  NOT NULL,
    present          BOOLEAN       NOT NULL,
    ttl_seconds      BIGINT,
    record_values    VARCHAR(4000),
    saved_at         TIMESTAMP(6)  NOT NULL,
    PRIMARY KEY (cutover_id, step_id, record_type)
);
