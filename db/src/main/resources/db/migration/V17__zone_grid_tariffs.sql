-- PeerWatt schema, version 17: the grid tariffs of a zone, so the portal can say what a household's energy
-- would have cost or earned without peer-to-peer trading: the retail price the grid supplier charges for
-- imported energy and the feed-in tariff it pays for exported energy, in the zone's price unit per kWh.
ALTER TABLE market_zone
  ADD COLUMN retail_price_per_kwh   BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN feed_in_tariff_per_kwh BIGINT NOT NULL DEFAULT 0,
  ADD CONSTRAINT ck_market_zone_retail_price CHECK (retail_price_per_kwh >= 0),
  ADD CONSTRAINT ck_market_zone_feed_in_tariff CHECK (feed_in_tariff_per_kwh >= 0);
