-- Every lag reading of a sampled gate (mysql-lag-gate, mongo-lag-gate), one row per replica or
-- member per sample, for the dashboard's lag charts and the report. lag_ms is NULL when the lag was
-- unknown (replication stopped or broken, status unreadable): unknown is never stored as 0.
-- threshold_ms is the gate's maxLag; verdict is within, outside or broken. A gate sampling every
-- second for six hours writes 21,600 rows per replica; rows are kept with their cutover.
CREATE TABLE gate_sample (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    cutover_id    VARCHAR(36)   NOT NULL,
    step_id       VARCHAR(100)  NOT NULL,
    series        VARCHAR(255)  NOT NULL,
    sampled_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    lag_ms        BIGINT,
    threshold_ms  BIGINT        NOT NULL,
    verdict       VARCHAR(10)   NOT NULL,
    CONSTRAINT gate_sample_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
);
CREATE INDEX gate_sample_by_step_and_time ON gate_sample (cutover_id, step_id, sampled_at);
