-- Remote partitioning of a sync (issue 14). Requests to run a partition travel on a Spring Integration
-- queue channel kept in this database (JdbcChannelMessageStore, schema as spring-integration-jdbc ships it;
-- its MySQL query provider polls with SKIP LOCKED: MySQL 8 / MariaDB 10.6+).
CREATE TABLE INT_CHANNEL_MESSAGE (
    MESSAGE_ID       CHAR(36)     NOT NULL,
    GROUP_KEY        CHAR(36)     NOT NULL,
    CREATED_DATE     BIGINT       NOT NULL,
    MESSAGE_PRIORITY BIGINT,
    MESSAGE_SEQUENCE BIGINT       NOT NULL AUTO_INCREMENT UNIQUE,
    MESSAGE_CONTENT  BLOB,
    REGION           VARCHAR(100) NOT NULL,
    CONSTRAINT INT_CHANNEL_MESSAGE_PK PRIMARY KEY (REGION, GROUP_KEY, CREATED_DATE, MESSAGE_SEQUENCE)
) ENGINE=InnoDB;
CREATE INDEX INT_CHANNEL_MSG_DELETE_IDX ON INT_CHANNEL_MESSAGE (REGION, GROUP_KEY, MESSAGE_ID);

-- One row per partition (a worker step execution's key range): who runs it and how far it got, for
-- GET /api/syncs/{id}/partitions and for finding partitions whose worker's lease ran out.
CREATE TABLE sync_partition (
    step_execution_id BIGINT        PRIMARY KEY,
    run_id            BIGINT        NOT NULL,
    name              VARCHAR(100)  NOT NULL,
    after_key         VARCHAR(2048),
    up_to_key         VARCHAR(2048),
    instance_id       VARCHAR(200),
    state             VARCHAR(20)   NOT NULL,
    objects           BIGINT        NOT NULL DEFAULT 0,
    bytes             BIGINT        NOT NULL DEFAULT 0,
    started_at        DATETIME(6),
    ended_at          DATETIME(6),
    message           VARCHAR(2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX sync_partition_by_run ON sync_partition (run_id, name);
CREATE INDEX sync_partition_by_state ON sync_partition (state);

-- Every ~10,000th key of a mapping's source as its last partitioned plan listed it: the next run of the
-- same mapping cuts its partitions from these without listing first.
CREATE TABLE sync_split_key (
    mapping  CHAR(64)      NOT NULL,
    ordinal  INT           NOT NULL,
    split    VARCHAR(2048) NOT NULL,
    PRIMARY KEY (mapping, ordinal)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
