-- Payment for shared meter data (issue 22): each day of a home's data delivered under a grant is charged
-- once, and booked on one slot statement of the household's zone (the third party's DATA_PURCHASE, the
-- household's DATA_SALE and DATA_PLATFORM_FEE; settlement/SETTLEMENT-RULES.md).

-- The platform's fee on data sold in the zone, in basis points of the gross (1000 = 10 %).
ALTER TABLE market_zone
    ADD COLUMN data_fee_basis_points INTEGER NOT NULL DEFAULT 1000,
    ADD CONSTRAINT ck_market_zone_data_fee CHECK (data_fee_basis_points BETWEEN 0 AND 10000);

-- One (grant, UTC day of data) delivered, with its amounts and the slot it is booked on; written once.
CREATE TABLE data_charge (
    grant_id         BIGINT       NOT NULL,
    -- the UTC day of data: its midnight
    data_day         TIMESTAMPTZ  NOT NULL,
    -- the third party pays it, the household receives it less the fee (0.001 ct, the grant's price)
    gross_milli_ct   BIGINT       NOT NULL,
    fee_milli_ct     BIGINT       NOT NULL,
    -- the household's zone and the slot whose statements carry the charge
    zone_code        VARCHAR(32)  NOT NULL,
    slot_start       TIMESTAMPTZ  NOT NULL,
    booked_at        TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_data_charge PRIMARY KEY (grant_id, data_day),
    CONSTRAINT fk_data_charge_grant FOREIGN KEY (grant_id) REFERENCES data_grant (id),
    CONSTRAINT fk_data_charge_zone FOREIGN KEY (zone_code) REFERENCES market_zone (zone_code),
    CONSTRAINT ck_data_charge_amounts CHECK (gross_milli_ct >= 0 AND fee_milli_ct BETWEEN 0 AND gross_milli_ct)
);

CREATE INDEX ix_data_charge_slot ON data_charge (zone_code, slot_start);
