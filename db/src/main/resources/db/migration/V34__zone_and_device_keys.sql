-- Every zone table's key carries the zone, every meter table's key the device (issue 17), so a distributed
-- PostgreSQL (Citus, distributed by zone and by device, deploy/citus.sql) is a configuration step. Citus needs
-- a distributed table's primary key and unique constraints to contain its distribution column, and a foreign
-- key between two distributed tables to join on it. Ids stay globally unique (identities and sequences as
-- before); tables looked up by id alone get a plain index on it, so every lookup works as it did.
-- CitusLayoutTest checks the result against the classification of every table.

-- Zone: market_order, trade and standing_rule. The orders a rule places are in its zone, and a trade's
-- orders are in the trade's zone, so the foreign keys carry the zone.
ALTER TABLE trade
    DROP CONSTRAINT fk_trade_buy_order,
    DROP CONSTRAINT fk_trade_sell_order;
ALTER TABLE market_order DROP CONSTRAINT fk_market_order_rule;

ALTER TABLE standing_rule
    DROP CONSTRAINT pk_standing_rule,
    ADD CONSTRAINT pk_standing_rule PRIMARY KEY (zone_code, id);
CREATE INDEX ix_standing_rule_id ON standing_rule (id);

ALTER TABLE market_order
    DROP CONSTRAINT pk_market_order,
    ADD CONSTRAINT pk_market_order PRIMARY KEY (zone_code, id),
    ADD CONSTRAINT fk_market_order_rule FOREIGN KEY (zone_code, rule_id) REFERENCES standing_rule (zone_code, id);
CREATE INDEX ix_market_order_id ON market_order (id);

ALTER TABLE trade
    DROP CONSTRAINT pk_trade,
    ADD CONSTRAINT pk_trade PRIMARY KEY (zone_code, id),
    ADD CONSTRAINT fk_trade_buy_order FOREIGN KEY (zone_code, buy_order_id) REFERENCES market_order (zone_code, id),
    ADD CONSTRAINT fk_trade_sell_order FOREIGN KEY (zone_code, sell_order_id) REFERENCES market_order (zone_code, id);
CREATE INDEX ix_trade_id ON trade (id);

-- Zone: flex_request. Its slots, acceptances and delivery records stay on the coordinator (they are written
-- without the zone), so their foreign keys to it go: a Citus local table cannot reference a distributed one.
-- The request id they carry is still checked where they are written (FlexRequests, FlexAcceptanceCommands).
ALTER TABLE flex_request_slot DROP CONSTRAINT fk_flex_request_slot_request;
ALTER TABLE flex_acceptance DROP CONSTRAINT fk_flex_acceptance_request;
ALTER TABLE flex_request
    DROP CONSTRAINT pk_flex_request,
    ADD CONSTRAINT pk_flex_request PRIMARY KEY (zone_code, id),
    -- an OpenADR event targets one zone, and event ids are unique among the VTN's objects
    DROP CONSTRAINT uq_flex_request_event,
    ADD CONSTRAINT uq_flex_request_event UNIQUE (zone_code, event_id);
CREATE INDEX ix_flex_request_id ON flex_request (id);
CREATE INDEX ix_flex_request_event ON flex_request (event_id);
CREATE INDEX ix_flex_request_slot_request ON flex_request_slot (request_id);

-- Zone: settlement_statement's hash is unique within its zone (a SHA-256 of an encoding naming the zone).
ALTER TABLE settlement_statement
    DROP CONSTRAINT uk_settlement_statement_hash,
    ADD CONSTRAINT uk_settlement_statement_hash UNIQUE (zone_code, statement_hash);
CREATE INDEX ix_settlement_statement_hash ON settlement_statement (statement_hash);

-- Zone: settlement_payment is written with its statement, and a gateway's refusal names a payment; the
-- refusal takes the payment's zone so its foreign key carries it.
ALTER TABLE gateway_payment_refusal
    DROP CONSTRAINT fk_gateway_payment_refusal_payment,
    ADD COLUMN zone_code VARCHAR(32);
UPDATE gateway_payment_refusal r SET zone_code = p.zone_code FROM settlement_payment p WHERE p.id = r.payment_id;
ALTER TABLE gateway_payment_refusal ALTER COLUMN zone_code SET NOT NULL;

ALTER TABLE settlement_payment
    DROP CONSTRAINT pk_settlement_payment,
    ADD CONSTRAINT pk_settlement_payment PRIMARY KEY (zone_code, id);
CREATE INDEX ix_settlement_payment_id ON settlement_payment (id);

ALTER TABLE gateway_payment_refusal
    DROP CONSTRAINT pk_gateway_payment_refusal,
    ADD CONSTRAINT pk_gateway_payment_refusal PRIMARY KEY (zone_code, payment_id),
    ADD CONSTRAINT fk_gateway_payment_refusal_payment FOREIGN KEY (zone_code, payment_id)
        REFERENCES settlement_payment (zone_code, id);
CREATE INDEX ix_gateway_payment_refusal_payment ON gateway_payment_refusal (payment_id);

-- Device: reading_chain_restart and gateway_alarm by device id. A restart's digest covers what the device
-- signed, so it is unique per device as it was overall.
ALTER TABLE reading_chain_restart
    DROP CONSTRAINT pk_reading_chain_restart,
    ADD CONSTRAINT pk_reading_chain_restart PRIMARY KEY (device_id, id),
    DROP CONSTRAINT uk_reading_chain_restart_digest,
    ADD CONSTRAINT uk_reading_chain_restart_digest UNIQUE (device_id, digest);

ALTER TABLE gateway_alarm
    DROP CONSTRAINT pk_gateway_alarm,
    ADD CONSTRAINT pk_gateway_alarm PRIMARY KEY (device_id, id);

-- Device: reading_refusal by the device's key (a refused device may be unknown). One Kafka record holds
-- one device's batch, so (partition, offset) names one device and the uniqueness is unchanged.
ALTER TABLE reading_refusal
    DROP CONSTRAINT pk_reading_refusal,
    ADD CONSTRAINT pk_reading_refusal PRIMARY KEY (device_key, id),
    DROP CONSTRAINT uq_reading_refusal,
    ADD CONSTRAINT uq_reading_refusal UNIQUE (device_key, kafka_partition, kafka_offset, meter_channel, sequence);
