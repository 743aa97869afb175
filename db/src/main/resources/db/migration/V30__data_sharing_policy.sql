-- A household's standing data-sharing policy (issue 22): accept every open offer of an approved application
-- whose resolution is finest_resolution or coarser, that asks for statements only when statements is true,
-- and that pays at least min_price_milli_ct_per_home_day. Applied when an offer is published and when the
-- policy is set; each grant it makes is made like an acceptance by hand, once per offer and household.
CREATE TABLE data_sharing_policy (
    account_id                      BIGINT       NOT NULL,
    finest_resolution               VARCHAR(8)   NOT NULL,
    statements                      BOOLEAN      NOT NULL,
    -- 0.001 ct per home per day of data delivered
    min_price_milli_ct_per_home_day BIGINT       NOT NULL,
    set_at                          TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_data_sharing_policy PRIMARY KEY (account_id),
    CONSTRAINT fk_data_sharing_policy_account FOREIGN KEY (account_id) REFERENCES account (id),
    CONSTRAINT ck_data_sharing_policy_resolution CHECK (finest_resolution IN ('15min', 'hourly', 'daily')),
    CONSTRAINT ck_data_sharing_policy_price CHECK (min_price_milli_ct_per_home_day >= 0)
);
