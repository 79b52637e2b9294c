-- Idem JDBC store: the schema for PostgreSQL 12 or later.
-- Tables are named with the default prefix "idem_". To use another prefix, replace "idem_" in every
-- name below and set the same prefix with JdbcStore.builder().tablePrefix(...).
-- Every statement is idempotent (IF NOT EXISTS). JdbcStore.builder().createSchema(true) runs this file.
-- Times are UTC (timestamptz, microseconds). record_key uses the "C" collation: keys compare byte by
-- byte and a key-prefix search can use the primary key.

-- One row per key: the record's state, lease, fencing token, result and deferred invocation.
CREATE TABLE IF NOT EXISTS idem_records (
    record_key      VARCHAR(255) COLLATE "C" NOT NULL,
    original_key    TEXT,
    state           VARCHAR(16)  NOT NULL,
    last_event      VARCHAR(16)  NOT NULL,
    fingerprint     VARCHAR(255),
    token           BIGINT       NOT NULL,
    attempt         INTEGER      NOT NULL,
    owner_node      VARCHAR(255) NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    lease_until     TIMESTAMPTZ,
    next_attempt_at TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    result          BYTEA,
    error_type      VARCHAR(500),
    error_message   VARCHAR(500),
    invocation      BYTEA,
    has_steps       BOOLEAN      NOT NULL,
    audit_seq       BIGINT       NOT NULL,
    CONSTRAINT idem_records_pk PRIMARY KEY (record_key),
    -- A record has a next attempt exactly when it is deferred: the due index below relies on it.
    CONSTRAINT idem_records_due_ck CHECK ((state = 'SCHEDULED') = (next_attempt_at IS NOT NULL))
);

-- Workers poll due deferred jobs: next_attempt_at <= now() ORDER BY next_attempt_at ... FOR UPDATE SKIP LOCKED.
-- Partial: only deferred jobs are in it, so other records never write to it. Its predicate names the column
-- it orders, not the state: without statistics (a new table before autovacuum has analyzed it) PostgreSQL
-- guesses that few rows match "state = 'SCHEDULED'" and would sort the whole backlog at every poll.
CREATE INDEX IF NOT EXISTS idem_records_next_attempt_idx ON idem_records (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;

-- Purge finds expired records: expires_at <= now(). Partial: running and deferred calls have no expiry.
CREATE INDEX IF NOT EXISTS idem_records_expiry_idx ON idem_records (expires_at) WHERE expires_at IS NOT NULL;

-- Operators list records by state and time of the last change. Partial: completed records, most of the
-- table, stay out of it, so that completing a call writes one index entry less; listing COMPLETED
-- records reads the table instead.
CREATE INDEX IF NOT EXISTS idem_records_state_updated_idx ON idem_records (state, updated_at)
    WHERE state NOT IN ('COMPLETED', 'IN_PROGRESS');

-- The audit: one row per transition of a key, written in the same statement as the transition.
CREATE TABLE IF NOT EXISTS idem_history (
    record_key     VARCHAR(255) COLLATE "C" NOT NULL,
    seq            BIGINT       NOT NULL,
    event          VARCHAR(16)  NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    attempt        INTEGER      NOT NULL,
    token          BIGINT       NOT NULL,
    node           VARCHAR(255) NOT NULL,
    occurred_at    TIMESTAMPTZ  NOT NULL,
    elapsed_micros BIGINT,
    error_type     VARCHAR(500),
    error_message  VARCHAR(500),
    fingerprint    VARCHAR(255),
    detail         VARCHAR(200),
    CONSTRAINT idem_history_pk PRIMARY KEY (record_key, seq)
);

-- Saved steps: one row per key and step name.
CREATE TABLE IF NOT EXISTS idem_steps (
    record_key VARCHAR(255) COLLATE "C" NOT NULL,
    step_name  VARCHAR(200) COLLATE "C" NOT NULL,
    step_value BYTEA        NOT NULL,
    CONSTRAINT idem_steps_pk PRIMARY KEY (record_key, step_name)
);
