-- Delivered flexibility anchored like trades (issue 21): one delivery record per acceptance, written once
-- every slot of its request is settled and the household's statements of those slots are complete; its
-- canonical bytes are the anchored item (AnchorItemKind FLEXIBILITY), kept so its proof bundle always
-- carries the bytes the anchor committed to.

ALTER TABLE anchor_leaf DROP CONSTRAINT ck_anchor_leaf_kind;
-- AnchorItemKind code: 1 reading, 2 trade, 3 statement, 4 report, 5 enrolment, 6 consent, 7 flexibility
ALTER TABLE anchor_leaf ADD CONSTRAINT ck_anchor_leaf_kind CHECK (item_kind BETWEEN 1 AND 7);

-- Anchored with the first of the request's slots anchored after the record was written.
CREATE TABLE flex_delivery_record (
    acceptance_id  BIGINT       NOT NULL,
    -- canonical JSON: the acceptance's terms, per slot baseline, metered, delivered, amount and the
    -- statement it was paid on
    encoded        BYTEA        NOT NULL,
    recorded_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_flex_delivery_record PRIMARY KEY (acceptance_id),
    CONSTRAINT fk_flex_delivery_record_acceptance FOREIGN KEY (acceptance_id) REFERENCES flex_acceptance (id)
);
