/**
 * The market inside the platform ({@link io.peerwatt.trading.market.Market}): zones and their
 * market settings, the order books ({@link io.peerwatt.trading.market.OrderBooks}: in one process
 * the {@link io.peerwatt.trading.market.MarketEngine} behind PostgreSQL command logs, on a node of
 * a cluster the zone shards on Kafka), the order service, standing rules (kept by {@code
 * StandingRules}, run by {@code RuleRunner} on forecasts of the meters' readings) and the
 * gate-closure scheduler. Its HTTP resources are in {@code io.peerwatt.trading.api}.
 *
 * <h2>Tables (migrations V4, V5 and V12)</h2>
 *
 * <ul>
 *   <li>{@code market_zone}: the {@link io.peerwatt.trading.calendar.ZoneConfig} of each trading
 *       zone.
 *   <li>{@code market_command}: the command log, {@code (zone_code, slot_start, sequence)} with the
 *       {@link io.peerwatt.trading.matching.CommandCodec} bytes; replaying it rebuilds a book
 *       exactly.
 *   <li>{@code market_order}: every accepted order with its current state, written in the
 *       transaction of the command that changed it; {@code rule_id} names the standing rule that
 *       placed it.
 *   <li>{@code trade}: every fill, for settlement: buyer/seller account and order, {@code
 *       quantity_wh}, {@code price_per_kwh} (what the seller receives), {@code grid_fee_per_kwh}
 *       (what the buyer pays on top), {@code price_unit}, {@code currency}, zone and slot, and the
 *       command that made it.
 *   <li>{@code clearing_result}: one row per slot whose gate closed (call auction: uniform price
 *       and volume; continuous: total volume), written with the gate closure, so exactly once.
 *   <li>{@code standing_rule}: the rules, with their forecast method and horizon (V12), and the
 *       status of their last run.
 *   <li>{@code market_rules_turn} (V33): when the standing rules last ran on any market node of a
 *       cluster, so each interval's run happens on one node.
 * </ul>
 *
 * <h2>Consistency</h2>
 *
 * A command is appended to its book's log, applied, and its effects written in one transaction; the
 * caller is answered after the commit. A book whose commit failed is dropped and rebuilt from its
 * log. At start the books whose gate has not closed are rebuilt by replaying their logs. On a
 * cluster the zone owners' results are projected into the same tables, and a command is answered
 * once its result is projected.
 */
package io.peerwatt.trading.market;
