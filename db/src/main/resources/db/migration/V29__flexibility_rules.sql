-- A household's standing rule for its controllable device (issue 21): accept every flexibility request of
-- its zone that pays at least min_price_per_kwh, in the directions it names, for up to max_watts. Applied
-- when a request is made; each acceptance it makes is recorded like one made by hand.
CREATE TABLE flex_rule (
    device_id          BIGINT       NOT NULL,
    -- 0.001 ct/kWh of flexibility
    min_price_per_kwh  BIGINT       NOT NULL,
    max_watts          BIGINT       NOT NULL,
    reduce_import      BOOLEAN      NOT NULL,
    reduce_export      BOOLEAN      NOT NULL,
    set_at             TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_flex_rule PRIMARY KEY (device_id),
    CONSTRAINT fk_flex_rule_flex_device FOREIGN KEY (device_id) REFERENCES flex_device (device_id),
    CONSTRAINT ck_flex_rule_price CHECK (min_price_per_kwh >= 0),
    CONSTRAINT ck_flex_rule_watts CHECK (max_watts > 0 AND max_watts <= 1000000),
    CONSTRAINT ck_flex_rule_direction CHECK (reduce_import OR reduce_export)
);
