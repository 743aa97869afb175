-- PeerWatt on a distributed PostgreSQL (Citus 11 or later), issue 17: the classification of every table.
--
-- Run once on the Citus coordinator, after `peerwatt platform` has migrated the schema there (Flyway, as
-- on any PostgreSQL) and before the nodes take traffic; the workers are added and the coordinator is in
-- the metadata (citus_set_coordinator_host), so the tables that stay local can keep their foreign keys
-- to the reference tables:
--
--   psql "$COORDINATOR_URL" -v ON_ERROR_STOP=1 -f deploy/citus.sql
--
-- Order: reference tables, then the tables distributed by zone (one colocation group: a zone's rows of
-- every zone table are on one worker), then those by device id (one group), then by device key. A table
-- comes after the tables its foreign keys point at. Every table not distributed or referenced here stays
-- on the coordinator ("local" lines, with the reason).
--
-- The db module's CitusLayoutTest reads this file and checks it against the migrated schema: every
-- table is classified exactly once; a distributed table's primary key and unique constraints contain its
-- distribution column; a foreign key between distributed tables joins their distribution columns within
-- one colocation group; no reference or local table points at a distributed one, no reference table at
-- a local one. A new table fails that test until it is classified here.

CREATE EXTENSION IF NOT EXISTS citus;

-- Reference tables: small, read with every zone and meter table, copied to every worker.
SELECT create_reference_table('zone');
SELECT create_reference_table('account');
SELECT create_reference_table('metering_point');
SELECT create_reference_table('device');
SELECT create_reference_table('market_zone');

-- Distributed by zone: the market, settlement, flexibility requests and zone analytics.
SELECT create_distributed_table('market_command', 'zone_code');
SELECT create_distributed_table('standing_rule', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('market_order', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('trade', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('clearing_result', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('settlement_slot', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('settlement_statement', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('settlement_payment', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('gateway_payment_refusal', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('flex_request', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('zone_analytics_policy', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('analytics_frozen_slot', 'zone_code', colocate_with => 'market_command');
SELECT create_distributed_table('analytics_contribution', 'zone_code', colocate_with => 'market_command');

-- Distributed by device id: readings (with their monthly partitions), reading chains, nonces, restarts,
-- alarms and the homes' controllable devices.
SELECT create_distributed_table('reading', 'device_id');
SELECT create_distributed_table('device_channel', 'device_id', colocate_with => 'reading');
SELECT create_distributed_table('ingest_batch_nonce', 'device_id', colocate_with => 'reading');
SELECT create_distributed_table('reading_chain_restart', 'device_id', colocate_with => 'reading');
SELECT create_distributed_table('gateway_alarm', 'device_id', colocate_with => 'reading');
SELECT create_distributed_table('flex_device', 'device_id', colocate_with => 'reading');
SELECT create_distributed_table('flex_rule', 'device_id', colocate_with => 'reading');

-- Distributed by device key: refused readings name a device that may be unknown, so by its key.
SELECT create_distributed_table('reading_refusal', 'device_key');

-- Local tables, on the coordinator.
-- local flyway_schema_history: Flyway's record of the applied migrations
-- local anchor: one anchor transaction per slot covers every zone; written by the one settlement node
-- local anchor_leaf: the leaves of those anchors, read with them
-- local devnet_block: the embedded devnet chain, one per installation
-- local devnet_transaction: the devnet chain
-- local devnet_mempool: the devnet chain
-- local devnet_utxo: the devnet chain
-- local hub_wallet_output: the hub wallet, one per installation
-- local platform_transaction: every transaction the platform made, one log per installation
-- local platform_transaction_input: the inputs of those transactions
-- local payment_channel: the hub's channels, one per account and direction across zones
-- local payment_channel_commitment: the commitments of those channels
-- local payment_channel_funding: the funding of those channels
-- local gateway_wallet: an m2m account's gateway wallet, with its channels
-- local gateway_channel_ack: a gateway's acknowledgements of hub channels
-- local gateway_close_request: the hub's requests to close channels
-- local enrolment_code: one-time codes, used once per enrolment
-- local revoked_token: logged-out login tokens, checked on every request by any node
-- local data_application: third parties' applications, across zones
-- local data_offer: their offers, across zones
-- local data_grant: households' grants on those offers
-- local data_access: what a third party fetched under a grant
-- local data_charge: the days of data charged under a grant
-- local data_sharing_policy: a household's standing data-sharing policy, with its grants
-- local oauth_code: authorization codes of the data-sharing OAuth server
-- local oauth_token: tokens of the data-sharing OAuth server
-- local openadr_client: OpenADR client credentials, across zones
-- local openadr_object: the OpenADR VTN's objects, one VTN per installation
-- local openadr_notification: the VTN's subscription callbacks
-- local analytics_budget: a client's privacy budget, spent under a row lock per query
-- local analytics_query: the ledger of that budget
-- local flex_request_slot: written without the zone, read with its request (no foreign key to it)
-- local flex_acceptance: written without the zone, read with its request (no foreign key to it)
-- local flex_delivery_record: the delivery record of an acceptance
-- local zone_result_offset: a cluster node's Kafka offsets, per topic partition
-- local market_rules_turn: one row, which market node runs the standing rules of an interval
-- local settlement_event: the settlement events' outbox, relayed in id order across zones by the one relay
