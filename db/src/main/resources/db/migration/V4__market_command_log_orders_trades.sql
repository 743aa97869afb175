-- PeerWatt schema, version 4: the energy market.
-- Every (zone, slot) book is a deterministic state machine fed by an ordered command log
-- (market_command). The other market tables are projections written in the same transaction as the
-- command that caused them, so they never disagree with the log:
--   market_order     every order ever placed, with its current state (for "my orders")
--   trade            every fill (what settlement pays for)
--   clearing_result  one row per slot whose gate closed (uniform price and volume of a call auction)
-- Prices are BIGINT in the zone's price unit per kWh (0.001 ct/kWh of the zone currency, or sat/kWh in
-- BSV zones); energy is BIGINT Wh; slots are identified by their UTC start (TIMESTAMPTZ, quarter-hour).

CREATE TABLE market_zone (
    zone_code                 VARCHAR(32)  NOT NULL,
    -- ISO 4217 code, or BSV
    currency                  VARCHAR(3)   NOT NULL,
    -- MILLI_CT_PER_KWH or SAT_PER_KWH
    price_unit                VARCHAR(20)  NOT NULL,
    -- CALL_AUCTION or CONTINUOUS
    clearing_mode             VARCHAR(20)  NOT NULL,
    gate_closure_lead_seconds INTEGER      NOT NULL,
    grid_fee_per_kwh          BIGINT       NOT NULL,
    imbalance_price_per_kwh   BIGINT       NOT NULL,
    negative_prices_allowed   BOOLEAN      NOT NULL,
    -- IANA time zone defining the local delivery day, e.g. Europe/Berlin
    local_time_zone           VARCHAR(64)  NOT NULL,
    min_quantity_wh           BIGINT       NOT NULL,
    max_quantity_wh           BIGINT       NOT NULL,
    min_price_per_kwh         BIGINT       NOT NULL,
    max_price_per_kwh         BIGINT       NOT NULL,
    CONSTRAINT pk_market_zone PRIMARY KEY (zone_code),
    CONSTRAINT fk_market_zone_zone FOREIGN KEY (zone_code) REFERENCES zone (code),
    CONSTRAINT ck_market_zone_price_unit CHECK (price_unit IN ('MILLI_CT_PER_KWH', 'SAT_PER_KWH')),
    CONSTRAINT ck_market_zone_clearing_mode CHECK (clearing_mode IN ('CALL_AUCTION', 'CONTINUOUS')),
    CONSTRAINT ck_market_zone_gate_lead CHECK (gate_closure_lead_seconds BETWEEN 0 AND 86400),
    CONSTRAINT ck_market_zone_grid_fee CHECK (grid_fee_per_kwh >= 0),
    CONSTRAINT ck_market_zone_quantity CHECK (min_quantity_wh >= 1 AND max_quantity_wh >= min_quantity_wh),
    CONSTRAINT ck_market_zone_price CHECK (max_price_per_kwh >= min_price_per_kwh)
);

-- The command log: sequence 0, 1, 2, ... per (zone, slot) book. payload is the CommandCodec encoding
-- (version 1) the book was fed; replaying payloads in sequence order rebuilds the book exactly.
CREATE TABLE market_command (
    zone_code      VARCHAR(32)  NOT NULL,
    slot_start     TIMESTAMPTZ  NOT NULL,
    sequence       BIGINT       NOT NULL,
    -- CommandType code: 1 place, 2 cancel, 3 amend, 4 close gate
    command_type   SMALLINT     NOT NULL,
    payload        BYTEA        NOT NULL,
    appended_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT pk_market_command PRIMARY KEY (zone_code, slot_start, sequence),
    CONSTRAINT fk_market_command_zone FOREIGN KEY (zone_code) REFERENCES zone (code),
    CONSTRAINT ck_market_command_sequence CHECK (sequence >= 0),
    CONSTRAINT ck_market_command_type CHECK (command_type BETWEEN 1 AND 4)
);

-- Order ids are platform-wide; the book needs them before the command is logged.
CREATE SEQUENCE market_order_id_seq START WITH 1;

CREATE TABLE market_order (
    id                   BIGINT       NOT NULL,
    account_id           BIGINT       NOT NULL,
    zone_code            VARCHAR(32)  NOT NULL,
    slot_start           TIMESTAMPTZ  NOT NULL,
    -- BUY or SELL
    side                 VARCHAR(4)   NOT NULL,
    -- LIMIT, IOC or AON
    order_type           VARCHAR(5)   NOT NULL,
    -- quantity as placed or last amended, Wh
    quantity_wh          BIGINT       NOT NULL,
    limit_price_per_kwh  BIGINT       NOT NULL,
    open_wh              BIGINT       NOT NULL,
    filled_wh            BIGINT       NOT NULL,
    -- OPEN, PARTIALLY_FILLED, FILLED, CANCELLED (by its owner or its rule), EXPIRED (removed by the
    -- book: IOC remainder, AON not fillable, gate closed)
    state                VARCHAR(16)  NOT NULL,
    green                BOOLEAN      NOT NULL,
    preferred_partners   BIGINT[]     NOT NULL,
    -- the standing rule that placed the order, if any
    rule_id              BIGINT,
    created_at           TIMESTAMPTZ  NOT NULL,
    updated_at           TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_market_order PRIMARY KEY (id),
    CONSTRAINT fk_market_order_account FOREIGN KEY (account_id) REFERENCES account (id),
    CONSTRAINT fk_market_order_zone FOREIGN KEY (zone_code) REFERENCES zone (code),
    CONSTRAINT ck_market_order_side CHECK (side IN ('BUY', 'SELL')),
    CONSTRAINT ck_market_order_type CHECK (order_type IN ('LIMIT', 'IOC', 'AON')),
    CONSTRAINT ck_market_order_state CHECK (state IN ('OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED')),
    CONSTRAINT ck_market_order_amounts CHECK (quantity_wh > 0 AND open_wh >= 0 AND filled_wh >= 0)
);

CREATE INDEX ix_market_order_account ON market_order (account_id, slot_start);
CREATE INDEX ix_market_order_book ON market_order (zone_code, slot_start);
CREATE INDEX ix_market_order_rule ON market_order (rule_id, slot_start);

-- Every fill. Settlement reads this table: the seller is owed quantity_wh * price_per_kwh / 1000 and
-- the buyer pays that plus quantity_wh * grid_fee_per_kwh / 1000 (units of the zone's price unit).
CREATE TABLE trade (
    id                  BIGINT       GENERATED BY DEFAULT AS IDENTITY,
    zone_code           VARCHAR(32)  NOT NULL,
    slot_start          TIMESTAMPTZ  NOT NULL,
    buy_order_id        BIGINT       NOT NULL,
    buyer_account_id    BIGINT       NOT NULL,
    sell_order_id       BIGINT       NOT NULL,
    seller_account_id   BIGINT       NOT NULL,
    quantity_wh         BIGINT       NOT NULL,
    -- energy price the seller receives, zone price unit per kWh
    price_per_kwh       BIGINT       NOT NULL,
    -- the zone's grid fee the buyer pays on top, zone price unit per kWh
    grid_fee_per_kwh    BIGINT       NOT NULL,
    -- MILLI_CT_PER_KWH or SAT_PER_KWH (copied from the zone so a trade reads alone)
    price_unit          VARCHAR(20)  NOT NULL,
    currency            VARCHAR(3)   NOT NULL,
    -- PARTNER, GREEN or OPEN: why the call auction paired these two
    tier                VARCHAR(8)   NOT NULL,
    -- the command (in market_command) whose application made this trade, and the trade's index in it
    command_sequence    BIGINT       NOT NULL,
    fill_index          INTEGER      NOT NULL,
    traded_at           TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_trade PRIMARY KEY (id),
    CONSTRAINT uk_trade_command_fill UNIQUE (zone_code, slot_start, command_sequence, fill_index),
    CONSTRAINT fk_trade_buy_order FOREIGN KEY (buy_order_id) REFERENCES market_order (id),
    CONSTRAINT fk_trade_sell_order FOREIGN KEY (sell_order_id) REFERENCES market_order (id),
    CONSTRAINT fk_trade_buyer FOREIGN KEY (buyer_account_id) REFERENCES account (id),
    CONSTRAINT fk_trade_seller FOREIGN KEY (seller_account_id) REFERENCES account (id),
    CONSTRAINT ck_trade_quantity CHECK (quantity_wh > 0),
    CONSTRAINT ck_trade_tier CHECK (tier IN ('PARTNER', 'GREEN', 'OPEN'))
);

CREATE INDEX ix_trade_slot ON trade (zone_code, slot_start);
CREATE INDEX ix_trade_buyer ON trade (buyer_account_id, slot_start);
CREATE INDEX ix_trade_seller ON trade (seller_account_id, slot_start);

-- One row per slot whose gate closed, written with the CloseGate command (so exactly once).
-- For continuous zones volume_wh is the slot's total traded volume and price_per_kwh is NULL.
CREATE TABLE clearing_result (
    zone_code         VARCHAR(32)  NOT NULL,
    slot_start        TIMESTAMPTZ  NOT NULL,
    clearing_mode     VARCHAR(20)  NOT NULL,
    volume_wh         BIGINT       NOT NULL,
    -- uniform price of the call auction; NULL when nothing cleared or the zone is continuous
    price_per_kwh     BIGINT,
    grid_fee_per_kwh  BIGINT       NOT NULL,
    trade_count       INTEGER      NOT NULL,
    -- auction welfare in thousandths of the price unit (decimal text of a possibly huge integer)
    welfare_milli_units NUMERIC(40, 0),
    cleared_at        TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_clearing_result PRIMARY KEY (zone_code, slot_start),
    CONSTRAINT fk_clearing_result_zone FOREIGN KEY (zone_code) REFERENCES zone (code),
    CONSTRAINT ck_clearing_result_mode CHECK (clearing_mode IN ('CALL_AUCTION', 'CONTINUOUS')),
    CONSTRAINT ck_clearing_result_volume CHECK (volume_wh >= 0)
);
