CREATE TABLE payments (payment_id VARCHAR(64) NOT NULL, cents BIGINT NOT NULL);
