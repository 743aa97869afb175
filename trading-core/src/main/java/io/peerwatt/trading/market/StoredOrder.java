package io.peerwatt.trading.market;

import io.peerwatt.db.schema.tables.records.MarketOrderRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.Side;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * An order as {@code market_order} holds it (its state after the last committed command).
 *
 * @param quantityWh quantity as placed or last amended (filled plus open), Wh
 * @param limitPricePerKwh in the zone's price unit
 * @param ruleId the standing rule that placed it, if any
 */
public record StoredOrder(
    long id,
    long accountId,
    String zoneCode,
    DeliverySlot slot,
    Side side,
    OrderType orderType,
    long quantityWh,
    long limitPricePerKwh,
    long openWh,
    long filledWh,
    OrderState state,
    boolean green,
    List<Long> preferredPartners,
    OptionalLong ruleId,
    Instant createdAt,
    Instant updatedAt) {

  static StoredOrder of(MarketOrderRecord r) {
    return new StoredOrder(
        r.getId(),
        r.getAccountId(),
        r.getZoneCode(),
        DeliverySlot.startingAt(r.getSlotStart()),
        Side.valueOf(r.getSide()),
        OrderType.valueOf(r.getOrderType()),
        r.getQuantityWh(),
        r.getLimitPricePerKwh(),
        r.getOpenWh(),
        r.getFilledWh(),
        OrderState.valueOf(r.getState()),
        r.getGreen(),
        Arrays.asList(r.getPreferredPartners()),
        r.getRuleId() == null ? OptionalLong.empty() : OptionalLong.of(r.getRuleId()),
        r.getCreatedAt(),
        r.getUpdatedAt());
  }

  /** Whether the order still rests in its book. */
  public boolean isOpen() {
    return state == OrderState.OPEN || state == OrderState.PARTIALLY_FILLED;
  }
}
