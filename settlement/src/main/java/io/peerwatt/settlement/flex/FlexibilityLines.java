package io.peerwatt.settlement.flex;

import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.settlement.ServiceLines;
import io.peerwatt.settlement.SettlementInputs;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.statement.RateSource;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Delivered flexibility as {@link ServiceLines}: for every acceptance covering a slot, one {@link
 * LineKind#FLEXIBILITY_DELIVERY} line on the household's statement of that slot ({@code tradeId} =
 * the acceptance), for the Wh it delivered ({@link FlexDelivery}: baseline minus metered, at most
 * the accepted power over the slot) at the request's price, rounded by {@link
 * Rounding#energyAmount}. Metered and baseline both come from the settlement's own metering of the
 * household's meters in the zone, the baseline over the same quarter-hour of earlier days.
 *
 * <p>Two acceptances of one household in one slot (two devices) share its one reduction: they are
 * credited in acceptance order, each with what the earlier ones left, so the household is never
 * paid more than its meter shows delivered. A slot whose metering misses a boundary credits nothing
 * until the reading arrives (the statement is re-settled then).
 *
 * <p>Requests are priced in 0.001 ct/kWh (EUR); in a BSV zone the price is converted to sat/kWh at
 * the EUR rate of the slot's start, half to even. Blocking JDBC: call from a worker thread.
 */
public final class FlexibilityLines implements ServiceLines {
  private final DSLContext dsl;
  private final SettlementInputs inputs;
  private final SlotMetering metering;
  private final RateSource rates;

  /**
   * @param inputs the settlement's inputs: zone terms, and the household's meters around a slot
   * @param policy the settlement's policy, whose metering rules measure the slot and baseline
   * @param rates the EUR rate for requests in BSV zones
   */
  public FlexibilityLines(
      DSLContext dsl, SettlementInputs inputs, SettlementPolicy policy, RateSource rates) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.metering = new SlotMetering(policy.estimateThreshold());
    this.rates = Objects.requireNonNull(rates, "rates");
  }

  @Override
  public List<SlotKey> slots(Instant endFrom, Instant endTo) {
    return dsl.selectDistinct(FLEX_REQUEST.ZONE_CODE, FLEX_REQUEST_SLOT.SLOT_START)
        .from(FLEX_REQUEST_SLOT)
        .join(FLEX_REQUEST)
        .on(FLEX_REQUEST.ID.eq(FLEX_REQUEST_SLOT.REQUEST_ID))
        .whereExists(
            dsl.selectOne()
                .from(FLEX_ACCEPTANCE)
                .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(FLEX_REQUEST.ID)))
        .and(
            FLEX_REQUEST_SLOT.SLOT_START.between(
                endFrom.minus(DeliverySlot.LENGTH), endTo.minus(DeliverySlot.LENGTH)))
        .orderBy(FLEX_REQUEST_SLOT.SLOT_START, FLEX_REQUEST.ZONE_CODE)
        .fetch(r -> new SlotKey(r.value1(), new DeliverySlot(r.value2())));
  }

  @Override
  public Map<Long, List<AllocatedLine>> lines(
      SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
    Map<Long, List<AllocatedLine>> out = new TreeMap<>();
    for (SlotDelivery d : deliveries(key, terms, metered)) {
      out.computeIfAbsent(d.accountId(), a -> new ArrayList<>())
          .add(
              new AllocatedLine(
                  LineKind.FLEXIBILITY_DELIVERY,
                  d.acceptanceId(),
                  d.deliveredWh(),
                  d.pricePerKwh(),
                  d.amount()));
    }
    return out;
  }

  /** The acceptance {@code id}, if it exists. */
  public Optional<Acceptance> acceptance(long id) {
    return acceptances(FLEX_ACCEPTANCE.ID.eq(id)).stream().findFirst();
  }

  /** The acceptances of the requests of event {@code eventId}, by id. */
  public List<Acceptance> acceptancesOfEvent(String eventId) {
    return acceptances(FLEX_REQUEST.EVENT_ID.eq(eventId));
  }

  /**
   * What {@code acceptance} delivered in each of its request's slots, measured as the statements of
   * those slots measure it.
   */
  public List<SlotDelivery> deliveries(Acceptance acceptance) {
    List<SlotDelivery> out = new ArrayList<>();
    for (Instant start = acceptance.startsAt();
        start.isBefore(acceptance.endsAt());
        start = start.plus(DeliverySlot.LENGTH)) {
      SlotKey key = new SlotKey(acceptance.zoneCode(), new DeliverySlot(start));
      SlotTerms terms = inputs.terms(key);
      Map<Long, MeteredEnergy> metered = new HashMap<>();
      deliveries(key, terms, account -> metered.computeIfAbsent(account, a -> meter(key, a)))
          .stream()
          .filter(d -> d.acceptanceId() == acceptance.id())
          .forEach(out::add);
    }
    return out;
  }

  /** Every acceptance's delivery in the slot, in acceptance order. */
  List<SlotDelivery> deliveries(SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
    List<Acceptance> covering =
        acceptances(
            FLEX_REQUEST
                .ZONE_CODE
                .eq(key.zoneCode())
                .andExists(
                    dsl.selectOne()
                        .from(FLEX_REQUEST_SLOT)
                        .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(FLEX_REQUEST.ID))
                        .and(FLEX_REQUEST_SLOT.SLOT_START.eq(key.slot().start()))));
    // per household and direction, the reduction the earlier acceptances were already credited
    Map<String, Long> credited = new HashMap<>();
    Map<String, OptionalLong> baselines = new HashMap<>();
    List<SlotDelivery> out = new ArrayList<>();
    for (Acceptance a : covering) {
      MeteredEnergy energy = metered.apply(a.accountId());
      long meteredWh = a.reducesImport() ? energy.importWh() : energy.exportWh();
      String household = a.accountId() + "/" + a.direction();
      OptionalLong baseline =
          baselines.computeIfAbsent(
              household,
              h ->
                  FlexDelivery.baselineWh(
                      start -> history(key.zoneCode(), a, start), key.slot().start()));
      long price = price(a.pricePerKwh(), terms);
      long delivered = 0;
      if (baseline.isPresent() && !energy.missing()) {
        long before = credited.getOrDefault(household, 0L);
        delivered =
            FlexDelivery.deliveredWh(
                baseline.getAsLong(), Math.addExact(meteredWh, before), a.watts());
        credited.put(household, before + delivered);
      }
      out.add(
          new SlotDelivery(
              a.id(),
              a.accountId(),
              key.slot().start(),
              baseline,
              meteredWh,
              energy.missing(),
              delivered,
              price,
              Rounding.energyAmount(delivered, price)));
    }
    return out;
  }

  /** The household's metered Wh in the request's direction in the slot at {@code start}. */
  private OptionalLong history(String zoneCode, Acceptance a, Instant start) {
    MeteredEnergy e = meter(new SlotKey(zoneCode, new DeliverySlot(start)), a.accountId());
    if (e.missing()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(a.reducesImport() ? e.importWh() : e.exportWh());
  }

  private MeteredEnergy meter(SlotKey key, long accountId) {
    List<MeterSeries> meters =
        inputs.meters(key, List.of(accountId)).getOrDefault(accountId, List.of());
    return metering.account(meters, key.slot().start(), key.slot().end());
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

  private List<Acceptance> acceptances(org.jooq.Condition condition) {
    return dsl.select()
        .from(FLEX_ACCEPTANCE)
        .join(FLEX_REQUEST)
        .on(FLEX_REQUEST.ID.eq(FLEX_ACCEPTANCE.REQUEST_ID))
        .where(condition)
        .orderBy(FLEX_ACCEPTANCE.ID)
        .fetch(FlexibilityLines::acceptance);
  }

  private static Acceptance acceptance(Record r) {
    return new Acceptance(
        r.get(FLEX_ACCEPTANCE.ID),
        r.get(FLEX_ACCEPTANCE.REQUEST_ID),
        r.get(FLEX_REQUEST.EVENT_ID),
        r.get(FLEX_REQUEST.ZONE_CODE),
        r.get(FLEX_ACCEPTANCE.DEVICE_ID),
        r.get(FLEX_ACCEPTANCE.ACCOUNT_ID),
        r.get(FLEX_REQUEST.DIRECTION),
        r.get(FLEX_ACCEPTANCE.WATTS),
        r.get(FLEX_REQUEST.PRICE_PER_KWH),
        r.get(FLEX_REQUEST.STARTS_AT),
        r.get(FLEX_REQUEST.ENDS_AT));
  }
}
