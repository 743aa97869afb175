-- PeerWatt schema, version 15: a prosumer's channels by counterparty. Every machine-to-machine gateway
-- asks for its account's channels on each wallet round.

CREATE INDEX ix_payment_channel_counterparty ON payment_channel (counterparty, role);
