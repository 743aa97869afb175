package io.peerwatt.trading.market;

import io.peerwatt.db.schema.tables.records.StandingRuleRecord;
import io.peerwatt.trading.matching.Side;
import java.time.Instant;

/**
 * A standing rule as stored in {@code standing_rule}.
 *
 * @param side SELL offers the forecast surplus above {@code reserveWh}; BUY bids for the forecast
 *     deficit above {@code reserveWh}
 * @param limitPricePerKwh SELL: least accepted; BUY: most paid (grid fee included); zone price unit
 * @param dailyCapWh most Wh the rule's orders cover per local delivery day
 * @param lookbackDays previous days of the same quarter-hour the HISTORY forecast averages
 * @param forecast HISTORY or RECENT (the last hour's average net export)
 * @param horizonMinutes RECENT: orders only for slots starting within this many minutes of the run
 * @param state ACTIVE, PAUSED or DELETED
 * @param statusCode what the rule did last (OK, NO_READINGS, NOTHING_TO_TRADE, CAP_REACHED,
 *     REJECTED, ...)
 * @param lastRunAt when the scheduler last ran it, or null
 */
public record StandingRuleView(
    long id,
    long accountId,
    long meteringPointId,
    String zoneCode,
    Side side,
    long reserveWh,
    long limitPricePerKwh,
    long dailyCapWh,
    int lookbackDays,
    StandingRules.Forecast forecast,
    int horizonMinutes,
    String state,
    String statusCode,
    String statusMessage,
    Instant lastRunAt,
    long ordersPlaced,
    Instant createdAt,
    Instant updatedAt) {

  static StandingRuleView of(StandingRuleRecord r) {
    return new StandingRuleView(
        r.getId(),
        r.getAccountId(),
        r.getMeteringPointId(),
        r.getZoneCode(),
        Side.valueOf(r.getSide()),
        r.getReserveWh(),
        r.getLimitPricePerKwh(),
        r.getDailyCapWh(),
        r.getLookbackDays(),
        StandingRules.Forecast.valueOf(r.getForecast()),
        r.getHorizonMinutes(),
        r.getState(),
        r.getStatusCode(),
        r.getStatusMessage(),
        r.getLastRunAt() == null ? null : r.getLastRunAt(),
        r.getOrdersPlaced(),
        r.getCreatedAt(),
        r.getUpdatedAt());
  }
}
