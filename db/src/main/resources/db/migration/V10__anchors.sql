-- PeerWatt schema, version 10: on-chain anchors (ARCHITECTURE.md flow step 8, protocol/PROOF-BUNDLE.md).
-- One row per anchor transaction (a slot's readings, trades and statements, or a utility report), and one
-- row per anchored item with its leaf index and the 32-byte salt that only its own proof bundle reveals.
-- Txids are the display hex the chain backends use.

CREATE TABLE anchor (
    txid           VARCHAR(64)   NOT NULL,
    -- "slot:ZONE:INTERVAL" or "report:SHA256HEX"; a slot may have later anchors for late items
    anchor_key     VARCHAR(200)  NOT NULL,
    slot_interval  VARCHAR(64)   NOT NULL,
    raw_tx         BYTEA         NOT NULL,
    leaf_count     BIGINT        NOT NULL,
    root           BYTEA         NOT NULL,
    created_at     TIMESTAMPTZ   NOT NULL,
    -- set together once the transaction is mined
    block_height   BIGINT,
    bump           BYTEA,
    block_header   BYTEA,
    CONSTRAINT pk_anchor PRIMARY KEY (txid),
    CONSTRAINT ck_anchor_leaf_count CHECK (leaf_count >= 1),
    CONSTRAINT ck_anchor_root_32 CHECK (octet_length(root) = 32),
    CONSTRAINT ck_anchor_header_80 CHECK (block_header IS NULL OR octet_length(block_header) = 80),
    CONSTRAINT ck_anchor_mined_together CHECK ((block_height IS NULL) = (bump IS NULL)
        AND (bump IS NULL) = (block_header IS NULL))
);

CREATE INDEX ix_anchor_key ON anchor (anchor_key);
CREATE INDEX ix_anchor_height ON anchor (block_height);

CREATE TABLE anchor_leaf (
    -- AnchorItemKind code: 1 reading, 2 trade, 3 statement, 4 report
    item_kind    SMALLINT      NOT NULL,
    -- io.peerwatt.settlement.anchor.ItemRef
    item_ref     VARCHAR(120)  NOT NULL,
    anchor_txid  VARCHAR(64)   NOT NULL,
    leaf_index   INTEGER       NOT NULL,
    salt         BYTEA         NOT NULL,
    leaf_hash    BYTEA         NOT NULL,
    CONSTRAINT pk_anchor_leaf PRIMARY KEY (item_kind, item_ref),
    CONSTRAINT uk_anchor_leaf_position UNIQUE (anchor_txid, leaf_index),
    CONSTRAINT fk_anchor_leaf_anchor FOREIGN KEY (anchor_txid) REFERENCES anchor (txid),
    CONSTRAINT ck_anchor_leaf_kind CHECK (item_kind BETWEEN 1 AND 4),
    CONSTRAINT ck_anchor_leaf_index CHECK (leaf_index >= 0),
    CONSTRAINT ck_anchor_leaf_salt_32 CHECK (octet_length(salt) = 32),
    CONSTRAINT ck_anchor_leaf_hash_32 CHECK (octet_length(leaf_hash) = 32)
);
