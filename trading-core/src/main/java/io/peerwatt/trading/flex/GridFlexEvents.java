package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.db.schema.tables.records.FlexAcceptanceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.trading.openadr.ObjectType;
import io.peerwatt.trading.openadr.VtnCaller;
import io.peerwatt.trading.openadr.VtnObjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * The grid operator's flexibility events from the platform's API (the portal's page): a utility or
 * an operator describes a capacity limit for a zone, which becomes an OpenADR event created through
 * the VTN's own objects (so it makes a flexibility request, and the standing rules answer it,
 * exactly as an event a BL client posts to the VTN); and per request, what was needed, accepted and
 * delivered per slot. Blocking.
 */
public final class GridFlexEvents {
  /** The OpenADR program the portal's events belong to. */
  public static final String PROGRAM_NAME = "peerwatt-grid-flexibility";

  /** Requests listed at most, newest first. */
  static final int LISTED = 50;

  /** Slots an event has at most (a day), as {@link FlexEvents#read} takes them. */
  static final int MAX_SLOTS = 96;

  private final DSLContext dsl;
  private final VtnObjects objects;
  private final FlexRequests requests;
  private final Clock clock;

  /**
   * @param objects the VTN's objects with the flexibility requests' intake, as the VTN's routes use
   *     them
   */
  public GridFlexEvents(DSLContext dsl, VtnObjects objects, FlexRequests requests, Clock clock) {
    this.dsl = dsl;
    this.objects = objects;
    this.requests = requests;
    this.clock = clock;
  }

  /**
   * Creates the OpenADR event of a capacity limit for {@code zone} (a utility: its own zone) from
   * {@code start}, one limit per 15-minute slot, at {@code pricePerKwh} (0.001 ct per kWh of
   * flexibility); answers the request it made, as {@link #list} shows it.
   */
  public JsonObject create(
      Caller caller,
      String zone,
      FlexDirection direction,
      Instant start,
      List<Long> limitsW,
      long pricePerKwh) {
    caller.require(Role.UTILITY, Role.OPERATOR);
    checkZone(caller, zone);
    if (direction == FlexDirection.BOTH) {
      throw ApiError.badRequest(
          "INVALID_FLEX_REQUEST", "an event limits import or export, not both", "direction");
    }
    if (limitsW.isEmpty() || limitsW.size() > MAX_SLOTS) {
      throw ApiError.badRequest(
          "INVALID_FLEX_REQUEST",
          "an event has 1 to " + MAX_SLOTS + " slots, not " + limitsW.size(),
          "limitsW");
    }
    if (!start.isAfter(clock.instant())) {
      throw ApiError.badRequest(
          "INVALID_FLEX_REQUEST",
          "the first slot starts at "
              + start
              + ", which is not in the future: homes accept a request before it starts",
          "start");
    }
    VtnCaller author =
        new VtnCaller("account-" + caller.accountId(), true, VtnCaller.BL_SCOPES, null);
    String eventId = UUID.randomUUID().toString();
    dsl.transaction(
        tx ->
            objects.createIn(
                tx.dsl(),
                ObjectType.EVENT,
                eventId,
                event(
                    objects.programIdIn(tx.dsl(), PROGRAM_NAME),
                    zone,
                    direction,
                    start,
                    limitsW,
                    pricePerKwh),
                author));
    objects.notifications().wake();
    FlexRequestRecord made =
        dsl.selectFrom(FLEX_REQUEST).where(FLEX_REQUEST.EVENT_ID.eq(eventId)).fetchOne();
    return toJson(made, clock.instant());
  }

  /** The OpenADR event request of a capacity limit: limits in kW, the price in EUR per kWh. */
  static JsonObject event(
      String programId,
      String zone,
      FlexDirection direction,
      Instant start,
      List<Long> limitsW,
      long pricePerKwh) {
    return capacityLimitEvent(
        programId,
        "grid flexibility " + zone + " " + start,
        zone,
        direction,
        start,
        limitsW.stream().map(w -> BigDecimal.valueOf(w, 3).stripTrailingZeros()).toList(),
        BigDecimal.valueOf(pricePerKwh, 5).stripTrailingZeros());
  }

  /**
   * The OpenADR event request of a capacity limit for {@code zone} in {@code direction}: one
   * 15-minute interval from {@code start} per limit (kW), each with the price (EUR per kWh), as a
   * VTN's business-logic client posts it.
   */
  public static JsonObject capacityLimitEvent(
      String programId,
      String eventName,
      String zone,
      FlexDirection direction,
      Instant start,
      List<BigDecimal> limitsKw,
      BigDecimal eurPerKwh) {
    JsonArray intervals = new JsonArray();
    for (int i = 0; i < limitsKw.size(); i++) {
      intervals.add(
          new JsonObject()
              .put("id", i)
              .put(
                  "payloads",
                  new JsonArray()
                      .add(OpenAdrPayloads.payload(direction.limitType(), limitsKw.get(i)))
                      .add(OpenAdrPayloads.payload("PRICE", eurPerKwh))));
    }
    return new JsonObject()
        .put("programID", programId)
        .put("eventName", eventName)
        .put("targets", new JsonArray().add(zone))
        .put(
            "payloadDescriptors",
            new JsonArray()
                .add(OpenAdrPayloads.descriptor(direction.limitType(), "KW"))
                .add(OpenAdrPayloads.descriptor("PRICE", "KWH").put("currency", "EUR")))
        .put(
            "intervalPeriod",
            new JsonObject().put("start", start.toString()).put("duration", "PT15M"))
        .put("intervals", intervals);
  }

  /**
   * The flexibility requests of {@code zone} (a utility: its own; an operator: null for every
   * zone), newest first: per slot the limit, the reduction needed, the power accepted and, once the
   * slot ended, the power delivered by the homes that accepted and what they earned: the sums of
   * what each home's own listing shows ({@link FlexRequests#delivered}, by {@link FlexDelivery}).
   */
  public JsonArray list(Caller caller, String zone) {
    caller.require(Role.UTILITY, Role.OPERATOR);
    Condition where = FLEX_REQUEST.ID.isNotNull();
    if (zone != null) {
      checkZone(caller, zone);
      where = FLEX_REQUEST.ZONE_CODE.eq(zone);
    } else if (!caller.isOperator()) {
      where = FLEX_REQUEST.ZONE_CODE.eq(String.valueOf(caller.zoneCode()));
    }
    Instant now = clock.instant();
    JsonArray out = new JsonArray();
    for (FlexRequestRecord r :
        dsl.selectFrom(FLEX_REQUEST)
            .where(where)
            .orderBy(FLEX_REQUEST.STARTS_AT.desc(), FLEX_REQUEST.ID.desc())
            .limit(LISTED)
            .fetch()) {
      out.add(toJson(r, now));
    }
    return out;
  }

  private JsonObject toJson(FlexRequestRecord r, Instant now) {
    List<FlexAcceptanceRecord> acceptances =
        dsl.selectFrom(FLEX_ACCEPTANCE)
            .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(r.getId()))
            .orderBy(FLEX_ACCEPTANCE.ID)
            .fetch();
    long acceptedW = acceptances.stream().mapToLong(FlexAcceptanceRecord::getWatts).sum();
    // the sums of what each home's own listing shows it delivered and earned
    Map<Instant, Long> deliveredWh = new HashMap<>();
    long earned = 0;
    for (FlexAcceptanceRecord a : acceptances) {
      for (Map.Entry<Instant, FlexRequests.SlotDelivery> d :
          requests.delivered(r, a, now).entrySet()) {
        deliveredWh.merge(d.getKey(), d.getValue().deliveredWh(), Long::sum);
        earned = Math.addExact(earned, d.getValue().earned());
      }
    }
    JsonArray slots = new JsonArray();
    dsl.selectFrom(FLEX_REQUEST_SLOT)
        .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(r.getId()))
        .orderBy(FLEX_REQUEST_SLOT.SLOT_START)
        .forEach(
            s -> {
              JsonObject slot =
                  new JsonObject()
                      .put("start", s.getSlotStart().toString())
                      .put("limitW", s.getLimitW())
                      .put("neededW", s.getNeededW())
                      .put("acceptedW", acceptedW);
              if (!now.isBefore(s.getSlotStart().plus(FlexEvents.SLOT))) {
                long wh = deliveredWh.getOrDefault(s.getSlotStart(), 0L);
                // energy over a quarter-hour, as the mean power over it
                slot.put("deliveredWh", wh).put("deliveredW", wh * 4);
              }
              slots.add(slot);
            });
    return FlexRequests.toJson(r)
        .put("createdAt", r.getCreatedAt().toString())
        .put("acceptances", acceptances.size())
        .put("earned", earned)
        .put("slots", slots);
  }

  /** A utility works for its own zone; the zone must exist. */
  private void checkZone(Caller caller, String zone) {
    if (!caller.isOperator() && caller.zoneCode() != null && !caller.zoneCode().equals(zone)) {
      throw ApiError.forbidden("a utility of zone " + caller.zoneCode() + " acts for that zone");
    }
    if (!dsl.fetchExists(ZONE, ZONE.CODE.eq(zone))) {
      throw ApiError.badRequest("UNKNOWN_ZONE", "there is no zone " + zone, "zone");
    }
  }
}
