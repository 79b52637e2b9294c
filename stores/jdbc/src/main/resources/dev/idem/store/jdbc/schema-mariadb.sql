-- Idem JDBC store: the schema for MariaDB 10.6 or later and MySQL 8.0 or later.
-- Tables are named with the default prefix "idem_". To use another prefix, replace "idem_" in every
-- name below and set the same prefix with JdbcStore.builder().tablePrefix(...).
-- Every statement is idempotent (IF NOT EXISTS). JdbcStore.builder().createSchema(true) runs this file.
-- Times are UTC (DATETIME(6), microseconds). Keys and step names are VARBINARY holding UTF-8, so that
-- they compare byte by byte: no collation may treat 'a' and 'A', or 'a' and 'a ', as the same key.

-- One row per key: the record's state, lease, fencing token, result and deferred invocation.
-- The indexes serve, in order: workers polling due deferred jobs (FOR UPDATE SKIP LOCKED), the purge of
-- expired records, and operators listing records by state and time of the last change.
CREATE TABLE IF NOT EXISTS idem_records (
    record_key      VARBINARY(1020) NOT NULL,
    original_key    TEXT,
    state           VARCHAR(16)  NOT NULL,
    last_event      VARCHAR(16)  NOT NULL,
    fingerprint     VARCHAR(255),
    token           BIGINT       NOT NULL,
    attempt         INT          NOT NULL,
    owner_node      VARCHAR(255) NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    lease_until     DATETIME(6),
    next_attempt_at DATETIME(6),
    expires_at      DATETIME(6),
    result          MEDIUMBLOB,
    error_type      VARCHAR(500),
    error_message   VARCHAR(500),
    invocation      MEDIUMBLOB,
    has_steps       BOOLEAN      NOT NULL,
    audit_seq       BIGINT       NOT NULL,
    PRIMARY KEY (record_key),
    INDEX idem_records_due_idx (state, next_attempt_at),
    INDEX idem_records_expiry_idx (expires_at),
    INDEX idem_records_state_updated_idx (state, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The audit: one row per transition of a key, written in the same transaction as the transition.
CREATE TABLE IF NOT EXISTS idem_history (
    record_key     VARBINARY(1020) NOT NULL,
    seq            BIGINT       NOT NULL,
    event          VARCHAR(16)  NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    attempt        INT          NOT NULL,
    token          BIGINT       NOT NULL,
    node           VARCHAR(255) NOT NULL,
    occurred_at    DATETIME(6)  NOT NULL,
    elapsed_micros BIGINT,
    error_type     VARCHAR(500),
    error_message  VARCHAR(500),
    fingerprint    VARCHAR(255),
    detail         VARCHAR(200),
    PRIMARY KEY (record_key, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Saved steps: one row per key and step name.
CREATE TABLE IF NOT EXISTS idem_steps (
    record_key VARBINARY(1020) NOT NULL,
    step_name  VARBINARY(800)  NOT NULL,
    step_value MEDIUMBLOB      NOT NULL,
    PRIMARY KEY (record_key, step_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
