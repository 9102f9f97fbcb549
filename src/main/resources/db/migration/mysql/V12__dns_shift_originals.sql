-- The record sets a dns-shift step found before its first change, per cutover and step: every record
-- set of the name and type, the plain one or each weighted one (set_identifier '' for the plain one).
-- The step's inverse puts back exactly these and deletes the weighted sets that were not there, also
-- after a restart of the service. Written once: a retried step keeps the original it saved first.
CREATE TABLE dns_shift_original (
    cutover_id       VARCHAR(36)   NOT NULL,
    step_id          VARCHAR(100)  NOT NULL,
    set_identifier   VARCHAR(128)  NOT NULL,
    connection_name  VARCHAR(100)  NOT NULL,
    record_name      VARCHAR(255)  NOT NULL,
    record_type      VARCHAR(10)   NOT NULL,
    weight           BIGINT,
    ttl_seconds      BIGINT        NOT NULL,
    record_values    VARCHAR(4000) NOT NULL,
    saved_at         TIMESTAMP(6)  NOT NULL,
    PRIMARY KEY (cutover_id, step_id, set_identifier)
);
