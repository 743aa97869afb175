package io.peerwatt.settlement.flex;

import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.settlement.JdbcSettlementInputs;
import io.peerwatt.settlement.SettlementInputs;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SlotKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * What each acceptance of a flexibility request delivered in each slot ({@link FlexDelivery}:
 * baseline minus metered, at most the accepted power over the slot), metered and baseline both by
 * the settlement's own metering of the household's meters in the zone, the baseline over the same
 * quarter-hour of earlier days (or, for a household without them, its metered slots in the hour
 * before the event). The statements ({@link FlexibilityLines}), the anchored delivery records and
 * the utility report all measure through this one class.
 *
 * <p>Two acceptances of one household in one slot (two devices) share its one reduction: they are
 * credited in acceptance order, each with what the earlier ones left, so the household is never
 * paid more than its meter shows delivered. A slot whose metering misses a boundary credits nothing
 * until the reading arrives (the statement is re-settled then). Blocking JDBC: call from a worker
 * thread.
 */
public final class FlexDeliveries {
  /** How far from a slot boundary the platform's settlement takes readings. */
  public static final Duration READING_LOOKBACK = Duration.ofHours(6);

  private final DSLContext dsl;
  private final SettlementInputs inputs;
  private final SlotMetering metering;

  /**
   * @param inputs the settlement's inputs: zone terms, and the household's meters around a slot
   * @param policy the settlement's policy, whose metering rules measure the slot and baseline
   */
  public FlexDeliveries(DSLContext dsl, SettlementInputs inputs, SettlementPolicy policy) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.metering = new SlotMetering(policy.estimateThreshold());
  }

  /** Measured as the platform's settlement measures: its reading look-back and default policy. */
  public static FlexDeliveries platform(DSLContext dsl) {
    return new FlexDeliveries(
        dsl, new JdbcSettlementInputs(dsl, READING_LOOKBACK), SettlementPolicy.defaults());
  }

  /** Every (zone, slot) ending in {@code [endFrom, endTo]} that an acceptance covers. */
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

  /** The acceptance {@code id}, if it exists. */
  public Optional<Acceptance> acceptance(long id) {
    return acceptances(FLEX_ACCEPTANCE.ID.eq(id)).stream().findFirst();
  }

  /** The acceptances of the requests covering the slot, by id. */
  public List<Acceptance> acceptancesCovering(SlotKey key) {
    return acceptances(
        FLEX_REQUEST
            .ZONE_CODE
            .eq(key.zoneCode())
            .andExists(
                dsl.selectOne()
                    .from(FLEX_REQUEST_SLOT)
                    .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(FLEX_REQUEST.ID))
                    .and(FLEX_REQUEST_SLOT.SLOT_START.eq(key.slot().start()))));
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
      // crediting is per household: its own acceptances of the slot are all it takes
      List<Acceptance> households =
          acceptancesCovering(key).stream()
              .filter(c -> c.accountId() == acceptance.accountId())
              .toList();
      MeteredEnergy energy = meter(key, acceptance.accountId());
      credit(start, households, account -> energy, baselineOf(key)).stream()
          .filter(d -> d.acceptanceId() == acceptance.id())
          .forEach(out::add);
    }
    return out;
  }

  /**
   * Every acceptance's delivery in the slot, in acceptance order, with {@code metered} the
   * household's energy in the slot.
   */
  public List<SlotDelivery> deliveries(SlotKey key, LongFunction<MeteredEnergy> metered) {
    List<Acceptance> covering = acceptancesCovering(key);
    return credit(key.slot().start(), covering, metered, baselineOf(key));
  }

  /** An acceptance's household's baseline in the slot. */
  private Function<Acceptance, OptionalLong> baselineOf(SlotKey key) {
    return a ->
        FlexDelivery.baselineWh(
            start -> history(key.zoneCode(), a, start), key.slot().start(), a.startsAt());
  }

  /**
   * The deliveries of {@code covering} (in acceptance order) in the slot at {@code slotStart}: each
   * household's reduction (per direction) credited in order, each acceptance at most what it
   * accepted and what the earlier ones left. Pure.
   *
   * @param baseline the household's baseline for an acceptance (asked once per household and
   *     direction)
   */
  public static List<SlotDelivery> credit(
      Instant slotStart,
      List<Acceptance> covering,
      LongFunction<MeteredEnergy> metered,
      Function<Acceptance, OptionalLong> baseline) {
    Map<String, Long> credited = new HashMap<>();
    Map<String, OptionalLong> baselines = new HashMap<>();
    List<SlotDelivery> out = new ArrayList<>();
    for (Acceptance a : covering) {
      MeteredEnergy energy = metered.apply(a.accountId());
      long meteredWh = a.reducesImport() ? energy.importWh() : energy.exportWh();
      String household = a.accountId() + "/" + a.direction();
      OptionalLong base = baselines.computeIfAbsent(household, h -> baseline.apply(a));
      long delivered = 0;
      if (base.isPresent() && !energy.missing()) {
        long before = credited.getOrDefault(household, 0L);
        delivered =
            FlexDelivery.deliveredWh(base.getAsLong(), Math.addExact(meteredWh, before), a.watts());
        credited.put(household, before + delivered);
      }
      out.add(
          new SlotDelivery(
              a.id(), a.accountId(), slotStart, base, meteredWh, energy.missing(), delivered));
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

  private List<Acceptance> acceptances(Condition condition) {
    return dsl.select()
        .from(FLEX_ACCEPTANCE)
        .join(FLEX_REQUEST)
        .on(FLEX_REQUEST.ID.eq(FLEX_ACCEPTANCE.REQUEST_ID))
        .where(condition)
        .orderBy(FLEX_ACCEPTANCE.ID)
        .fetch(FlexDeliveries::acceptance);
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
