-- PeerWatt schema, version 12: how a standing rule forecasts. HISTORY (what every rule did before, so
-- existing rows keep it) averages the same quarter-hour of the last lookback_days days; RECENT carries the
-- last hour's average net export forward, so a fresh installation trades from its first hour, and orders
-- only for slots starting within horizon_minutes of the run (kept, but unused, for HISTORY rules).

ALTER TABLE standing_rule
    ADD COLUMN forecast         VARCHAR(8)  NOT NULL DEFAULT 'HISTORY',
    ADD COLUMN horizon_minutes  INTEGER     NOT NULL DEFAULT 60,
    ADD CONSTRAINT ck_standing_rule_forecast CHECK (forecast IN ('HISTORY', 'RECENT')),
    ADD CONSTRAINT ck_standing_rule_horizon CHECK (horizon_minutes BETWEEN 15 AND 1440);
