-- Idem JDBC store: the schema for H2 2.x.
-- Tables are named with the default prefix "idem_". To use another prefix, replace "idem_" in every
-- name below and set the same prefix with JdbcStore.builder().tablePrefix(...).
-- Every statement is idempotent (IF NOT EXISTS). JdbcStore.builder().createSchema(true) runs this file.
-- Times are TIMESTAMP WITH TIME ZONE with microseconds.

-- One row per key: the record's state, lease, fencing token, result and deferred invocation.
CREATE TABLE IF NOT EXISTS idem_records (
    record_key      VARCHAR(255) NOT NULL,
    original_key    VARCHAR(16000),
    state           VARCHAR(16)  NOT NULL,
    last_event      VARCHAR(16)  NOT NULL,
    fingerprint     VARCHAR(255),
    token           BIGINT       NOT NULL,
    attempt         INTEGER      NOT NULL,
    owner_node      VARCHAR(255) NOT NULL,
    created_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    lease_until     TIMESTAMP(6) WITH TIME ZONE,
    next_attempt_at TIMESTAMP(6) WITH TIME ZONE,
    expires_at      TIMESTAMP(6) WITH TIME ZONE,
    result          BLOB,
    error_type      VARCHAR(500),
    error_message   VARCHAR(500),
    invocation      BLOB,
    has_steps       BOOLEAN      NOT NULL,
    audit_seq       BIGINT       NOT NULL,
    CONSTRAINT idem_records_pk PRIMARY KEY (record_key)
);

-- Workers poll due deferred jobs: state = 'SCHEDULED' AND next_attempt_at <= now ... FOR UPDATE SKIP LOCKED.
CREATE INDEX IF NOT EXISTS idem_records_due_idx ON idem_records (state, next_attempt_at);

-- Purge finds expired records: expires_at <= now.
CREATE INDEX IF NOT EXISTS idem_records_expiry_idx ON idem_records (expires_at);

-- Operators list records by state and time of the last change.
CREATE INDEX IF NOT EXISTS idem_records_state_updated_idx ON idem_records (state, updated_at);

-- The audit: one row per transition of a key, written in the same transaction as the transition.
CREATE TABLE IF NOT EXISTS idem_history (
    record_key     VARCHAR(255) NOT NULL,
    seq            BIGINT       NOT NULL,
    event          VARCHAR(16)  NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    attempt        INTEGER      NOT NULL,
    token          BIGINT       NOT NULL,
    node           VARCHAR(255) NOT NULL,
    occurred_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    elapsed_micros BIGINT,
    error_type     VARCHAR(500),
    error_message  VARCHAR(500),
    fingerprint    VARCHAR(255),
    detail         VARCHAR(200),
    CONSTRAINT idem_history_pk PRIMARY KEY (record_key, seq)
);

-- Saved steps: one row per key and step name.
CREATE TABLE IF NOT EXISTS idem_steps (
    record_key VARCHAR(255) NOT NULL,
    step_name  VARCHAR(200) NOT NULL,
    step_value BLOB         NOT NULL,
    CONSTRAINT idem_steps_pk PRIMARY KEY (record_key, step_name)
);
