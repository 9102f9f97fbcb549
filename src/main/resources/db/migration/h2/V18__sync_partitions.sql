-- Remote partitioning of a sync (issue 14). Requests to run a partition travel on a Spring Integration
-- queue channel kept in this database (JdbcChannelMessageStore, schema as spring-integration-jdbc ships it).
CREATE SEQUENCE INT_MESSAGE_SEQ START WITH 1 INCREMENT BY 1;

CREATE TABLE INT_CHANNEL_MESSAGE (
    MESSAGE_ID       CHAR(36)     NOT NULL,
    GROUP_KEY        CHAR(36)     NOT NULL,
    CREATED_DATE     BIGINT       NOT NULL,
    MESSAGE_PRIORITY BIGINT,
    MESSAGE_SEQUENCE BIGINT       NOT NULL,
    MESSAGE_CONTENT  LONGVARBINARY,
    REGION           VARCHAR(100) NOT NULL,
    CONSTRAINT INT_CHANNEL_MESSAGE_PK PRIMARY KEY (REGION, GROUP_KEY, CREATED_DATE, MESSAGE_SEQUENCE)
);
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
    objects           BIGINT        DEFAULT 0 NOT NULL,
    bytes             BIGINT        DEFAULT 0 NOT NULL,
    started_at        TIMESTAMP(6),
    ended_at          TIMESTAMP(6),
    message           VARCHAR(2000)
);
CREATE INDEX sync_partition_by_run ON sync_partition (run_id, name);
CREATE INDEX sync_partition_by_state ON sync_partition (state);

-- Every ~10,000th key of a mapping's source as its last partitioned plan listed it: the next run of the
-- same mapping cuts its partitions from these without listing first.
CREATE TABLE sync_split_key (
    mapping  CHAR(64)      NOT NULL,
    ordinal  INT           NOT NULL,
    split    VARCHAR(2048) NOT NULL,
    PRIMARY KEY (mapping, ordinal)
);
