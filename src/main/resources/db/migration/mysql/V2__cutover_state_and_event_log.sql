-- Cutovers, their steps, approvals, the append-only event log and idempotent request replies.
CREATE TABLE cutover (
    id                         VARCHAR(36)  NOT NULL PRIMARY KEY,
    runbook                    VARCHAR(100) NOT NULL,
    environment                VARCHAR(100) NOT NULL,
    rehearsal                  BOOLEAN      NOT NULL,
    state                      VARCHAR(30)  NOT NULL,
    current_phase              VARCHAR(100),
    job_execution_id           BIGINT,
    rollback_job_execution_id  BIGINT,
    version                    BIGINT       NOT NULL,
    created_by                 VARCHAR(100) NOT NULL,
    created_at                 DATETIME(6) NOT NULL,
    updated_at                 DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE cutover_step (
    cutover_id   VARCHAR(36)  NOT NULL,
    phase        VARCHAR(100) NOT NULL,
    step_id      VARCHAR(100) NOT NULL,
    position     INT          NOT NULL,
    type         VARCHAR(50)  NOT NULL,
    owner        VARCHAR(100),
    state        VARCHAR(30)  NOT NULL,
    attempts     INT          NOT NULL,
    started_at   DATETIME(6),
    ended_at     DATETIME(6),
    output       LONGTEXT,
    PRIMARY KEY (cutover_id, step_id),
    CONSTRAINT cutover_step_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE step_approval (
    cutover_id     VARCHAR(36)  NOT NULL,
    step_id        VARCHAR(100) NOT NULL,
    approver       VARCHAR(100) NOT NULL,
    approved_at    DATETIME(6) NOT NULL,
    comment        VARCHAR(2000),
    checked_items  LONGTEXT,
    PRIMARY KEY (cutover_id, step_id),
    CONSTRAINT step_approval_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE cutover_event (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    cutover_id   VARCHAR(36)  NOT NULL,
    occurred_at  DATETIME(6) NOT NULL,
    phase        VARCHAR(100),
    step_id      VARCHAR(100),
    actor        VARCHAR(100) NOT NULL,
    origin       VARCHAR(100),
    action       VARCHAR(50)  NOT NULL,
    outcome      VARCHAR(30)  NOT NULL,
    message      VARCHAR(2000),
    evidence     LONGTEXT,
    CONSTRAINT cutover_event_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX cutover_event_by_cutover ON cutover_event (cutover_id, id);

CREATE TABLE idempotent_request (
    idempotency_key  VARCHAR(200) NOT NULL,
    principal        VARCHAR(100) NOT NULL,
    method           VARCHAR(10)  NOT NULL,
    path             VARCHAR(500) NOT NULL,
    status           INT,
    content_type     VARCHAR(200),
    location         VARCHAR(500),
    body             LONGTEXT,
    created_at       DATETIME(6) NOT NULL,
    PRIMARY KEY (idempotency_key, principal)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
