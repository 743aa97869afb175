-- PeerWatt schema, version 13: device enrolments are anchored like slots (protocol/PROOF-BUNDLE.md, item kind
-- 5 "enrolment"). Each certificate the platform issued (device.certificate, on enrolment or key rotation) is one
-- leaf, item_ref = its certificate_serial; the certificates issued in one UTC quarter-hour share an anchor whose
-- anchor_key is "enrolments:INTERVAL" (e.g. "enrolments:2026-11-25T10:00Z/PT15M").

ALTER TABLE anchor_leaf DROP CONSTRAINT ck_anchor_leaf_kind;
-- AnchorItemKind code: 1 reading, 2 trade, 3 statement, 4 report, 5 enrolment
ALTER TABLE anchor_leaf ADD CONSTRAINT ck_anchor_leaf_kind CHECK (item_kind BETWEEN 1 AND 5);
