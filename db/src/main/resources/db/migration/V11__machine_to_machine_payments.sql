-- PeerWatt schema, version 11: machine-to-machine payments. A prosumer in m2m mode has its gateway
-- sign its own channel updates: the gateway pays the hub over a buyer -> hub channel whose payer key it
-- holds, and is payee of the hub -> seller channel. The platform keeps the hub's side of both (the
-- payment_channel rows of V9) and, here, what it needs to talk to the gateway.

-- custodial: the platform signs for the prosumer with a key it keeps encrypted; m2m: its gateway signs
ALTER TABLE account
    ADD COLUMN payment_mode VARCHAR(10) NOT NULL DEFAULT 'custodial',
    ADD CONSTRAINT ck_account_payment_mode CHECK (payment_mode IN ('custodial', 'm2m'));

-- The gateway wallet registered for an m2m account: the key it signs channels with and the script the
-- hub pays it on (hub -> seller commitments) and its channel change returns to.
CREATE TABLE gateway_wallet (
    account_id     BIGINT       NOT NULL,
    device_id      BIGINT       NOT NULL,
    channel_key    BYTEA        NOT NULL,
    payout_script  BYTEA        NOT NULL,
    registered_at  TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_gateway_wallet PRIMARY KEY (account_id),
    CONSTRAINT fk_gateway_wallet_account FOREIGN KEY (account_id) REFERENCES account (id),
    CONSTRAINT fk_gateway_wallet_device FOREIGN KEY (device_id) REFERENCES device (id),
    CONSTRAINT ck_gateway_wallet_channel_key CHECK (octet_length(channel_key) = 33),
    CONSTRAINT ck_gateway_wallet_payout_script CHECK (octet_length(payout_script) BETWEEN 1 AND 10000)
);

-- The funding transaction of a channel the hub proposed and whose payee has not signed the refund yet
-- (a gateway answers on its next poll). Its inputs stay reserved in the hub wallet meanwhile.
CREATE TABLE payment_channel_funding (
    channel_id   VARCHAR(64)  NOT NULL,
    role         VARCHAR(8)   NOT NULL,
    raw_tx       BYTEA        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT pk_payment_channel_funding PRIMARY KEY (channel_id, role),
    CONSTRAINT fk_payment_channel_funding_channel FOREIGN KEY (channel_id, role)
        REFERENCES payment_channel (channel_id, role)
);

-- A gateway's side of an m2m hub -> seller channel as the hub knows it: the newest commitment the
-- gateway acknowledged (stored durably on its side), and whether the hub asked it to close.
CREATE TABLE gateway_channel_ack (
    channel_id          VARCHAR(64)  NOT NULL,
    acked_sequence      BIGINT       NOT NULL,
    acked_at            TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_gateway_channel_ack PRIMARY KEY (channel_id),
    CONSTRAINT ck_gateway_channel_ack_sequence CHECK (acked_sequence >= 0)
);

-- Hub -> seller channels the hub asked the gateway (their payee) to close, and the closing transaction
-- the gateway then relayed (NULL until it did).
CREATE TABLE gateway_close_request (
    channel_id     VARCHAR(64)  NOT NULL,
    requested_at   TIMESTAMPTZ  NOT NULL,
    closing_txid   BYTEA,
    CONSTRAINT pk_gateway_close_request PRIMARY KEY (channel_id),
    CONSTRAINT ck_gateway_close_request_txid CHECK (closing_txid IS NULL OR octet_length(closing_txid) = 32)
);

-- A buyer's gateway refusing to pay a statement, with its stable reason code. The dispatcher reads it
-- and marks the payment refused, so the gateway's answer and the dispatcher never race on one row.
CREATE TABLE gateway_payment_refusal (
    payment_id     BIGINT        NOT NULL,
    refusal_code   INTEGER       NOT NULL,
    refusal_detail VARCHAR(300)  NOT NULL,
    refused_at     TIMESTAMPTZ   NOT NULL,
    CONSTRAINT pk_gateway_payment_refusal PRIMARY KEY (payment_id),
    CONSTRAINT fk_gateway_payment_refusal_payment FOREIGN KEY (payment_id) REFERENCES settlement_payment (id)
);
