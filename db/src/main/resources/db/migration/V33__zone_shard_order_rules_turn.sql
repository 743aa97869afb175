-- The order in which zones were created, fixed for good. A cluster carries a zone's order commands on
-- partition shard_order mod (the zone topics' partition count), so a new zone never moves another, and
-- every node computes the same partition whatever order it happens to list the zones in. Existing zones
-- are numbered by creation.
ALTER TABLE zone ADD COLUMN shard_order BIGINT;

WITH numbered AS (
    SELECT code, row_number() OVER (ORDER BY created_at, code) - 1 AS n FROM zone
)
UPDATE zone SET shard_order = numbered.n FROM numbered WHERE zone.code = numbered.code;

CREATE SEQUENCE zone_shard_order_seq AS BIGINT MINVALUE 0 OWNED BY zone.shard_order;
SELECT setval('zone_shard_order_seq', (SELECT coalesce(max(shard_order) + 1, 0) FROM zone), false);

ALTER TABLE zone
    ALTER COLUMN shard_order SET DEFAULT nextval('zone_shard_order_seq'),
    ALTER COLUMN shard_order SET NOT NULL,
    ADD CONSTRAINT uq_zone_shard_order UNIQUE (shard_order);

-- When the standing rules last ran on any node. Several market nodes each tick; the node that moves this
-- row (under an advisory lock held for its run) runs the tick's rules, the others skip it.
CREATE TABLE market_rules_turn (
    id       SMALLINT    NOT NULL,
    ran_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT pk_market_rules_turn PRIMARY KEY (id),
    CONSTRAINT ck_market_rules_turn_single CHECK (id = 1)
);
INSERT INTO market_rules_turn (id, ran_at) VALUES (1, TIMESTAMPTZ '1970-01-01 00:00:00+00');
