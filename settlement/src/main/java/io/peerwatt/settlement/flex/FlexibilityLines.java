package io.peerwatt.settlement.flex;

import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.settlement.ServiceLines;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.statement.RateSource;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Delivered flexibility as {@link ServiceLines}: for every acceptance covering a slot, one {@link
 * LineKind#FLEXIBILITY_DELIVERY} line on the household's statement of that slot ({@code tradeId} =
 * the acceptance), for the Wh it delivered ({@link FlexDeliveries}) at the request's price, the
 * amount by {@link Rounding#energyAmount}.
 *
 * <p>Requests are priced in 0.001 ct/kWh (EUR); in a BSV zone the price is converted to sat/kWh at
 * the EUR rate of the slot's start, half to even.
 */
public final class FlexibilityLines implements ServiceLines {
  private final FlexDeliveries deliveries;
  private final RateSource rates;

  /**
   * @param rates the EUR rate for requests in BSV zones
   */
  public FlexibilityLines(FlexDeliveries deliveries, RateSource rates) {
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.rates = Objects.requireNonNull(rates, "rates");
  }

  @Override
  public List<SlotKey> slots(Instant endFrom, Instant endTo) {
    return deliveries.slots(endFrom, endTo);
  }

  @Override
  public Map<Long, List<AllocatedLine>> lines(
      SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
    Map<Long, List<AllocatedLine>> out = new TreeMap<>();
    List<SlotDelivery> delivered = deliveries.deliveries(key, metered);
    if (delivered.isEmpty()) {
      return out;
    }
    Map<Long, Acceptance> acceptances = new TreeMap<>();
    for (SlotDelivery d : delivered) {
      Acceptance a =
          acceptances.computeIfAbsent(
              d.acceptanceId(), id -> deliveries.acceptance(id).orElseThrow());
      out.computeIfAbsent(d.accountId(), account -> new ArrayList<>())
          .add(line(d, price(a.pricePerKwh(), terms)));
    }
    return out;
  }

  /** The statement line paying delivery {@code d} at {@code pricePerKwh} (the zone's unit). */
  public static AllocatedLine line(SlotDelivery d, long pricePerKwh) {
    return new AllocatedLine(
        LineKind.FLEXIBILITY_DELIVERY,
        d.acceptanceId(),
        d.deliveredWh(),
        pricePerKwh,
        Rounding.energyAmount(d.deliveredWh(), pricePerKwh));
  }

  /** The request's price (0.001 ct/kWh) in the zone's unit. */
  private long price(long milliCtPerKwh, SlotTerms terms) {
    if (terms.priceUnit() == PriceUnit.MILLI_CT_PER_KWH) {
      return milliCtPerKwh;
    }
    ExchangeRate eur =
        rates
            .rate("EUR", terms.slot().start())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no EUR rate for the flexibility price in " + terms.zoneCode()));
    return Rounding.divideHalfEven(
        BigInteger.valueOf(milliCtPerKwh).multiply(BigInteger.valueOf(eur.satoshisPerUnit())),
        BigInteger.valueOf(ExchangeRate.MILLI_CENT_PER_UNIT));
  }
}
