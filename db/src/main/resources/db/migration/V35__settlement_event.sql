-- Settlement events' outbox (issue 17): with Kafka, the settlement pass writes a row here in the same
-- transaction as the settlement slot and statements it records (STATEMENT_MADE per new statement version,
-- then one SLOT_CLOSED), and a relay appends the rows, in id order, to the topic peerwatt.settlement-events,
-- setting sent_at only once Kafka acknowledged them. The id is the event's stable id: a relay that dies
-- between the send and the mark sends the row again, and consumers drop the repeat by id. A single process
-- (no Kafka) writes no rows.
CREATE TABLE settlement_event (
    id              BIGINT       GENERATED ALWAYS AS IDENTITY,
    kind            VARCHAR(16)  NOT NULL,
    zone_code       VARCHAR(32)  NOT NULL,
    slot_start      TIMESTAMPTZ  NOT NULL,
    -- STATEMENT_MADE: the statement version's account, version, totals and hash
    account_id      BIGINT,
    version         INTEGER,
    total_amount    BIGINT,
    total_sat       BIGINT,
    statement_hash  BYTEA,
    -- SLOT_CLOSED: the statement versions and payments this settlement of the slot wrote, and whether
    -- the slot had been settled before (a re-settlement with late readings)
    statements      INTEGER,
    payments        INTEGER,
    payment_sat     BIGINT,
    resettled       BOOLEAN,
    created_at      TIMESTAMPTZ  NOT NULL,
    sent_at         TIMESTAMPTZ,
    CONSTRAINT pk_settlement_event PRIMARY KEY (id),
    CONSTRAINT ck_settlement_event_kind CHECK (
        (kind = 'STATEMENT_MADE' AND account_id IS NOT NULL AND version >= 1 AND total_amount IS NOT NULL
            AND total_sat IS NOT NULL AND octet_length(statement_hash) = 32)
        OR (kind = 'SLOT_CLOSED' AND statements >= 0 AND payments >= 0 AND payment_sat IS NOT NULL
            AND resettled IS NOT NULL))
);

-- what the relay reads: the unsent rows in id order
CREATE INDEX ix_settlement_event_unsent ON settlement_event (id) WHERE sent_at IS NULL;
