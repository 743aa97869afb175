-- Where each platform transaction was last seen mined (NULL: not yet, or its block left the best chain),
-- so the transaction watcher notices a reorg (the chain's block hash at that height is no longer this
-- one) and sends again what fell out.
ALTER TABLE platform_transaction
  ADD COLUMN block_height BIGINT,
  ADD COLUMN block_hash   BYTEA,
  ADD CONSTRAINT ck_platform_transaction_block CHECK ((block_height IS NULL) = (block_hash IS NULL));

CREATE INDEX ix_platform_transaction_block_height ON platform_transaction (block_height);
