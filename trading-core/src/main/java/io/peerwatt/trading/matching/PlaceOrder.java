package io.peerwatt.trading.matching;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Place a new order. The record holds whatever the caller sent; the book validates it and answers
 * with a {@link ResultCode} naming the faulty field.
 *
 * @param orderId platform-wide unique id, positive (from the platform's order sequence)
 * @param accountId owner account, positive
 * @param instrument zone and delivery slot; must be the book's
 * @param side buy or sell
 * @param quantityWh energy to buy or sell, Wh
 * @param limitPricePerKwh in the zone's price unit: for a BUY the most the buyer pays including the
 *     grid fee, for a SELL the least the seller receives
 * @param orderType LIMIT, IOC or AON
 * @param green on a SELL: the energy is green-labelled; on a BUY: the buyer prefers green energy
 * @param preferredPartners accounts this order prefers as counterparties (at most 16), in no order
 * @param ruleId the standing rule that placed this order, if any
 */
public record PlaceOrder(
    long orderId,
    long accountId,
    Instrument instrument,
    Side side,
    long quantityWh,
    long limitPricePerKwh,
    OrderType orderType,
    boolean green,
    List<Long> preferredPartners,
    OptionalLong ruleId)
    implements OrderCommand {

  /** Most preferred partners one order may name. */
  public static final int MAX_PREFERRED_PARTNERS = 16;

  public PlaceOrder {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(orderType, "orderType");
    preferredPartners = List.copyOf(preferredPartners);
    Objects.requireNonNull(ruleId, "ruleId");
  }

  /** A plain order: no green preference, no partners, no rule. */
  public static PlaceOrder limit(
      long orderId,
      long accountId,
      Instrument instrument,
      Side side,
      long quantityWh,
      long limitPricePerKwh) {
    return new PlaceOrder(
        orderId,
        accountId,
        instrument,
        side,
        quantityWh,
        limitPricePerKwh,
        OrderType.LIMIT,
        false,
        List.of(),
        OptionalLong.empty());
  }

  /** This order with another type. */
  public PlaceOrder withType(OrderType type) {
    return new PlaceOrder(
        orderId,
        accountId,
        instrument,
        side,
        quantityWh,
        limitPricePerKwh,
        type,
        green,
        preferredPartners,
        ruleId);
  }

  @Override
  public CommandType type() {
    return CommandType.PLACE_ORDER;
  }

  /** Terse desk form, e.g. {@code [ADD o101 a7 B:LIMIT:1550:4000Wh]}. */
  @Override
  public String toString() {
    return "[ADD o"
        + orderId
        + " a"
        + accountId
        + " "
        + (side == Side.BUY ? "B" : "S")
        + ":"
        + orderType
        + ":"
        + limitPricePerKwh
        + ":"
        + quantityWh
        + "Wh"
        + (green ? " green" : "")
        + (preferredPartners.isEmpty() ? "" : " pref" + preferredPartners)
        + (ruleId.isPresent() ? " r" + ruleId.getAsLong() : "")
        + "]";
  }
}
