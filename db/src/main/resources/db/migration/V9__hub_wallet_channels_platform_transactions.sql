-- Settlement money on chain: the hub wallet's outputs, payment channels (both roles) and every
-- transaction the platform made, with the outputs its inputs spend (for the audit export).
-- Txids are BYTEA in internal byte order (32 bytes); amounts are BIGINT satoshis.

CREATE TABLE hub_wallet_output (
  txid             BYTEA        NOT NULL,
  output_index     BIGINT       NOT NULL,
  satoshis         BIGINT       NOT NULL,
  locking_script   BYTEA        NOT NULL,
  key_label        VARCHAR(64)  NOT NULL,
  -- height of the block that mined the creating transaction; NULL while unconfirmed
  confirmed_height BIGINT,
  -- the wallet transaction that spends it (possibly unconfirmed); NULL while spendable
  spent_by_txid    BYTEA,
  created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT pk_hub_wallet_output PRIMARY KEY (txid, output_index),
  CONSTRAINT ck_hub_wallet_output_satoshis CHECK (satoshis > 0),
  CONSTRAINT ck_hub_wallet_output_txid_32 CHECK (octet_length(txid) = 32)
);

CREATE INDEX ix_hub_wallet_output_spendable ON hub_wallet_output (spent_by_txid);

-- Every transaction the platform built or received funds in, raw, in the order it was recorded.
CREATE TABLE platform_transaction (
  txid         BYTEA        NOT NULL,
  recorded_seq BIGINT       GENERATED ALWAYS AS IDENTITY,
  raw_tx       BYTEA        NOT NULL,
  -- made: the platform signed it; received: a transaction that paid the platform (a parent of made ones)
  origin       VARCHAR(8)   NOT NULL,
  purpose      VARCHAR(32)  NOT NULL,
  recorded_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT pk_platform_transaction PRIMARY KEY (txid),
  CONSTRAINT uk_platform_transaction_seq UNIQUE (recorded_seq),
  CONSTRAINT ck_platform_transaction_origin CHECK (origin IN ('made', 'received')),
  CONSTRAINT ck_platform_transaction_txid_32 CHECK (octet_length(txid) = 32)
);

-- The output each input of a made transaction spends, one row per input, in input order.
CREATE TABLE platform_transaction_input (
  txid            BYTEA    NOT NULL,
  input_index     INTEGER  NOT NULL,
  satoshis        BIGINT   NOT NULL,
  locking_script  BYTEA    NOT NULL,
  CONSTRAINT pk_platform_transaction_input PRIMARY KEY (txid, input_index),
  CONSTRAINT fk_platform_transaction_input_tx FOREIGN KEY (txid) REFERENCES platform_transaction (txid),
  CONSTRAINT ck_platform_transaction_input_satoshis CHECK (satoshis >= 0)
);

-- One row per channel and side the platform keeps (the hub as payer or payee, or a custodial store).
CREATE TABLE payment_channel (
  channel_id          VARCHAR(64)  NOT NULL,
  role                VARCHAR(8)   NOT NULL,
  direction           VARCHAR(16)  NOT NULL,
  counterparty        VARCHAR(100) NOT NULL,
  payer_pubkey        BYTEA        NOT NULL,
  payee_pubkey        BYTEA        NOT NULL,
  payer_script        BYTEA        NOT NULL,
  payee_script        BYTEA        NOT NULL,
  capacity_sats       BIGINT       NOT NULL,
  fee_sats            BIGINT       NOT NULL,
  dust_limit_sats     BIGINT       NOT NULL,
  expiry_lock_time    BIGINT       NOT NULL,
  funding_txid        BYTEA        NOT NULL,
  funding_index       BIGINT       NOT NULL,
  spending_cap_sats   BIGINT,
  refund_payee_sig    BYTEA,
  state               VARCHAR(8)   NOT NULL,
  sequence            BIGINT       NOT NULL,
  payee_amount_sats   BIGINT       NOT NULL,
  payer_sig           BYTEA,
  closing_txid        BYTEA,
  created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT pk_payment_channel PRIMARY KEY (channel_id, role),
  CONSTRAINT ck_payment_channel_role CHECK (role IN ('payer', 'payee')),
  CONSTRAINT ck_payment_channel_direction CHECK (direction IN ('buyer_to_hub', 'hub_to_seller')),
  CONSTRAINT ck_payment_channel_state CHECK (state IN ('proposed', 'open', 'closing', 'closed', 'refunded')),
  CONSTRAINT ck_payment_channel_amounts CHECK (
    capacity_sats > 0 AND fee_sats >= 0 AND payee_amount_sats >= 0
    AND payee_amount_sats + fee_sats <= capacity_sats),
  CONSTRAINT ck_payment_channel_sequence CHECK (sequence >= 0)
);

-- Every commitment a side accepted or signed, append-only: the newest is the channel's state.
CREATE TABLE payment_channel_commitment (
  channel_id         VARCHAR(64)  NOT NULL,
  role               VARCHAR(8)   NOT NULL,
  sequence           BIGINT       NOT NULL,
  payee_amount_sats  BIGINT       NOT NULL,
  payer_sig          BYTEA        NOT NULL,
  recorded_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT pk_payment_channel_commitment PRIMARY KEY (channel_id, role, sequence),
  CONSTRAINT fk_payment_channel_commitment_channel FOREIGN KEY (channel_id, role)
    REFERENCES payment_channel (channel_id, role)
);
