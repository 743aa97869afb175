-- How far a cluster node's projector has written the zone owners' results into market_order, trade and
-- clearing_result: per partition of the results topic the offset of the first record not yet projected.
-- It is updated in the same transaction as the rows a result writes, so every result is projected
-- exactly once across crashes and rebalances.
CREATE TABLE zone_result_offset (
    topic          VARCHAR(249) NOT NULL,
    partition_no   INTEGER      NOT NULL,
    next_offset    BIGINT       NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT pk_zone_result_offset PRIMARY KEY (topic, partition_no),
    CONSTRAINT ck_zone_result_offset_partition CHECK (partition_no >= 0),
    CONSTRAINT ck_zone_result_offset_next CHECK (next_offset >= 0)
);
