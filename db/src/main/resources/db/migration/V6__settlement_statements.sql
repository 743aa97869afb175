-- PeerWatt schema, version 6: settlement statements.
-- A (zone, slot) is settled once its grace window has passed and again, as a new statement version,
-- whenever late readings change the result within the zone's re-settlement window. The terms and the
-- satoshi rate are frozen at the first settlement so every later version is computed on the same basis.
-- Amounts are BIGINT in the zone's money unit (milli-cent, or satoshi in BSV zones) and in satoshis.

CREATE TABLE settlement_slot (
    zone_code                   VARCHAR(32)  NOT NULL,
    slot_start                  TIMESTAMPTZ  NOT NULL,
    -- ISO 4217 code, or BSV
    currency                    VARCHAR(3)   NOT NULL,
    -- MILLI_CT_PER_KWH or SAT_PER_KWH, as in market_zone
    price_unit                  VARCHAR(20)  NOT NULL,
    imbalance_price_per_kwh     BIGINT       NOT NULL,
    -- the rate: rate_satoshis_per_unit satoshis for rate_market_units_per_unit money units
    rate_satoshis_per_unit      BIGINT       NOT NULL,
    rate_market_units_per_unit  BIGINT       NOT NULL,
    rate_source                 VARCHAR(64)  NOT NULL,
    rate_as_of                  TIMESTAMPTZ  NOT NULL,
    first_settled_at            TIMESTAMPTZ  NOT NULL,
    last_settled_at             TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_settlement_slot PRIMARY KEY (zone_code, slot_start),
    CONSTRAINT fk_settlement_slot_zone FOREIGN KEY (zone_code) REFERENCES zone (code),
    CONSTRAINT ck_settlement_slot_price_unit CHECK (price_unit IN ('MILLI_CT_PER_KWH', 'SAT_PER_KWH')),
    CONSTRAINT ck_settlement_slot_rate CHECK (rate_satoshis_per_unit > 0 AND rate_market_units_per_unit > 0)
);

-- One row per prosumer, slot and version; rows are only ever inserted.
CREATE TABLE settlement_statement (
    account_id      BIGINT       NOT NULL,
    zone_code       VARCHAR(32)  NOT NULL,
    slot_start      TIMESTAMPTZ  NOT NULL,
    version         INTEGER      NOT NULL,
    -- SHA-256 of the canonical encoding (StatementCodec format 1): what gets anchored
    statement_hash  BYTEA        NOT NULL,
    -- hash of version - 1; 32 zero bytes for version 1
    previous_hash   BYTEA        NOT NULL,
    -- the canonical encoding itself, kept verbatim for proofs
    encoded         BYTEA        NOT NULL,
    -- copies of encoded fields for queries and reports
    total_amount    BIGINT       NOT NULL,
    total_sat       BIGINT       NOT NULL,
    estimated       BOOLEAN      NOT NULL,
    missing         BOOLEAN      NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT pk_settlement_statement PRIMARY KEY (account_id, zone_code, slot_start, version),
    CONSTRAINT uk_settlement_statement_hash UNIQUE (statement_hash),
    CONSTRAINT fk_settlement_statement_account FOREIGN KEY (account_id) REFERENCES account (id),
    CONSTRAINT fk_settlement_statement_slot FOREIGN KEY (zone_code, slot_start)
        REFERENCES settlement_slot (zone_code, slot_start),
    CONSTRAINT ck_settlement_statement_version CHECK (version >= 1),
    CONSTRAINT ck_settlement_statement_hashes CHECK (octet_length(statement_hash) = 32 AND octet_length(previous_hash) = 32)
);

CREATE INDEX ix_settlement_statement_slot ON settlement_statement (zone_code, slot_start);
