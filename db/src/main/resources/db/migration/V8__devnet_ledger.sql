-- The embedded devnet chain (settlement's devnet backend). Not BSV money: everything here is devnet.
-- Hashes and txids are stored in internal byte order (as hashed), 32 bytes.

CREATE TABLE devnet_block (
  height       BIGINT      NOT NULL,
  block_hash   BYTEA       NOT NULL,
  header       BYTEA       NOT NULL,
  tx_count     INTEGER     NOT NULL,
  CONSTRAINT pk_devnet_block PRIMARY KEY (height),
  CONSTRAINT uk_devnet_block_hash UNIQUE (block_hash),
  CONSTRAINT ck_devnet_block_header_80 CHECK (octet_length(header) = 80),
  CONSTRAINT ck_devnet_block_hash_32 CHECK (octet_length(block_hash) = 32),
  CONSTRAINT ck_devnet_block_height CHECK (height >= 0),
  CONSTRAINT ck_devnet_block_tx_count CHECK (tx_count >= 1)
);

-- Every transaction the devnet knows: mined (block_height set) or waiting in the mempool.
CREATE TABLE devnet_transaction (
  txid           BYTEA    NOT NULL,
  raw_tx         BYTEA    NOT NULL,
  block_height   BIGINT,
  block_position INTEGER,
  CONSTRAINT pk_devnet_transaction PRIMARY KEY (txid),
  CONSTRAINT fk_devnet_transaction_block FOREIGN KEY (block_height) REFERENCES devnet_block (height),
  CONSTRAINT ck_devnet_transaction_txid_32 CHECK (octet_length(txid) = 32),
  CONSTRAINT ck_devnet_transaction_position CHECK ((block_height IS NULL) = (block_position IS NULL))
);

CREATE INDEX ix_devnet_transaction_block ON devnet_transaction (block_height, block_position);

-- Unconfirmed transactions in acceptance order (parents before children).
CREATE TABLE devnet_mempool (
  txid          BYTEA   NOT NULL,
  accepted_seq  BIGINT  NOT NULL,
  CONSTRAINT pk_devnet_mempool PRIMARY KEY (txid),
  CONSTRAINT uk_devnet_mempool_seq UNIQUE (accepted_seq),
  CONSTRAINT fk_devnet_mempool_transaction FOREIGN KEY (txid) REFERENCES devnet_transaction (txid)
);

-- The unspent outputs, including those of mempool transactions (spendable unconfirmed).
CREATE TABLE devnet_utxo (
  txid             BYTEA   NOT NULL,
  output_index     BIGINT  NOT NULL,
  satoshis         BIGINT  NOT NULL,
  locking_script   BYTEA   NOT NULL,
  coinbase_height  BIGINT,
  CONSTRAINT pk_devnet_utxo PRIMARY KEY (txid, output_index),
  CONSTRAINT fk_devnet_utxo_transaction FOREIGN KEY (txid) REFERENCES devnet_transaction (txid),
  CONSTRAINT ck_devnet_utxo_satoshis CHECK (satoshis >= 0),
  CONSTRAINT ck_devnet_utxo_index CHECK (output_index >= 0)
);
