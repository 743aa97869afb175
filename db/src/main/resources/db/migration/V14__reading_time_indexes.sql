-- PeerWatt schema, version 14: readings by time. Anchoring finds the slots that have readings (including
-- slots nobody traded in) by taken_at, and late arrivals for slots it already anchored by received_at.

CREATE INDEX ix_reading_taken_at ON reading (taken_at);
CREATE INDEX ix_reading_received_at ON reading (received_at);
