package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static io.peerwatt.db.schema.Tables.OPENADR_OBJECT;

import io.peerwatt.db.schema.tables.records.FlexAcceptanceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.http.Caller;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.trading.openadr.ObjectType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The household's listing of flexibility requests ({@link FlexRequests#open}): each request with
 * its slots and the caller's acceptances, each with what its gateway reported and what it delivered
 * per slot ({@link #delivered}). Blocking.
 */
final class FlexRequestListing {
  private final DSLContext dsl;
  private final Clock clock;

  FlexRequestListing(DSLContext dsl, Clock clock) {
    this.dsl = dsl;
    this.clock = clock;
  }

  JsonArray open(Caller caller) {
    Instant now = clock.instant();
    // open ones, and for a week after its end each one the caller accepted: what it delivered
    var where =
        FLEX_REQUEST
            .ENDS_AT
            .gt(now)
            .or(
                FLEX_REQUEST
                    .ENDS_AT
                    .gt(now.minus(FlexRequests.SHOWN_AFTER_END))
                    .and(
                        DSL.exists(
                            DSL.selectOne()
                                .from(FLEX_ACCEPTANCE)
                                .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(FLEX_REQUEST.ID))
                                .and(FLEX_ACCEPTANCE.ACCOUNT_ID.eq(caller.accountId())))));
    if (!caller.isOperator()) {
      if (caller.zoneCode() == null) {
        return new JsonArray();
      }
      where = where.and(FLEX_REQUEST.ZONE_CODE.eq(caller.zoneCode()));
    }
    JsonArray out = new JsonArray();
    for (FlexRequestRecord r :
        dsl.selectFrom(FLEX_REQUEST)
            .where(where)
            .orderBy(FLEX_REQUEST.STARTS_AT, FLEX_REQUEST.ID)
            .fetch()) {
      out.add(toJson(r, caller, now));
    }
    return out;
  }

  private JsonObject toJson(FlexRequestRecord r, Caller caller, Instant now) {
    long acceptedW = FlexRequests.acceptedW(dsl, r.getId());
    JsonArray slots = new JsonArray();
    dsl.selectFrom(FLEX_REQUEST_SLOT)
        .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(r.getId()))
        .orderBy(FLEX_REQUEST_SLOT.SLOT_START)
        .forEach(
            s ->
                slots.add(
                    new JsonObject()
                        .put("start", s.getSlotStart().toString())
                        .put("limitW", s.getLimitW())
                        .put("neededW", s.getNeededW())
                        .put("acceptedW", acceptedW)));
    JsonArray mine = new JsonArray();
    dsl.selectFrom(FLEX_ACCEPTANCE)
        .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(r.getId()))
        .and(FLEX_ACCEPTANCE.ACCOUNT_ID.eq(caller.accountId()))
        .orderBy(FLEX_ACCEPTANCE.ID)
        .forEach(a -> mine.add(FlexRequests.toJson(a).put("slots", reported(r, a))));
    return FlexRequests.toJson(r)
        .put("openForAcceptance", now.isBefore(r.getStartsAt()))
        .put("slots", slots)
        .put("myAcceptances", mine);
  }

  /**
   * Per slot of the request, the setpoint the home accepted and the one its gateway reported
   * applying ({@code SETPOINT}, kW, in the reports on its per-device event; interval i = slot i),
   * both in W of change of the home's consumption; and the operating state it reported.
   */
  private JsonArray reported(FlexRequestRecord r, FlexAcceptanceRecord a) {
    long requested =
        FlexDirection.valueOf(r.getDirection()) == FlexDirection.REDUCE_IMPORT
            ? -a.getWatts()
            : a.getWatts();
    int slots = (int) (Duration.between(r.getStartsAt(), r.getEndsAt()).toMinutes() / 15);
    Long[] reportedW = new Long[slots];
    String[] states = new String[slots];
    Object[] chargeLevels = new Object[slots];
    String[] refusals = new String[slots];
    for (var body :
        dsl.select(OPENADR_OBJECT.BODY)
            .from(OPENADR_OBJECT)
            .where(OPENADR_OBJECT.OBJECT_TYPE.eq(ObjectType.REPORT.name()))
            .and(OPENADR_OBJECT.EVENT_ID.eq(a.getOpenadrEventId()))
            .orderBy(OPENADR_OBJECT.SEQ)
            .fetch(OPENADR_OBJECT.BODY)) {
      JsonObject report = new JsonObject(body.data());
      for (Object res : report.getJsonArray("resources", new JsonArray())) {
        for (Object i : ((JsonObject) res).getJsonArray("intervals", new JsonArray())) {
          JsonObject interval = (JsonObject) i;
          int slot = interval.getInteger("id", -1);
          if (slot < 0 || slot >= slots) {
            continue;
          }
          for (Object p : interval.getJsonArray("payloads", new JsonArray())) {
            JsonObject payload = (JsonObject) p;
            JsonArray values = payload.getJsonArray("values", new JsonArray());
            if (values.isEmpty()) {
              continue;
            }
            if ("SETPOINT".equals(payload.getString("type"))
                && values.getValue(0) instanceof Number kw) {
              reportedW[slot] =
                  new BigDecimal(kw.toString())
                      .movePointRight(3)
                      .setScale(0, java.math.RoundingMode.HALF_EVEN)
                      .longValue();
            } else if ("OPERATING_STATE".equals(payload.getString("type"))) {
              states[slot] = String.valueOf(values.getValue(0));
            } else if ("STORAGE_CHARGE_LEVEL".equals(payload.getString("type"))
                && values.getValue(0) instanceof Number level) {
              chargeLevels[slot] = level;
            } else if (FlexRequests.REFUSAL_PAYLOAD.equals(payload.getString("type"))) {
              refusals[slot] = String.valueOf(values.getValue(0));
            }
          }
        }
      }
    }
    Map<Instant, FlexRequests.SlotDelivery> delivered = delivered(r, a, clock.instant());
    JsonArray out = new JsonArray();
    for (int i = 0; i < slots; i++) {
      Instant start = r.getStartsAt().plus(FlexEvents.SLOT.multipliedBy(i));
      JsonObject slot =
          new JsonObject().put("start", start.toString()).put("requestedW", requested);
      FlexRequests.SlotDelivery d = delivered.get(start);
      if (d != null) {
        slot.put("baselineWh", d.baselineWh())
            .put("meteredWh", d.meteredWh())
            .put("deliveredWh", d.deliveredWh())
            .put("earned", d.earned());
      }
      if (reportedW[i] != null) {
        slot.put("reportedW", reportedW[i]);
      }
      if (states[i] != null) {
        slot.put("operatingState", states[i]);
      }
      if (chargeLevels[i] != null) {
        slot.put("storageChargeLevel", chargeLevels[i]);
      }
      if (refusals[i] != null) {
        slot.put("refusal", refusals[i]);
      }
      out.add(slot);
    }
    return out;
  }

  /** See {@link FlexRequests#delivered}. */
  /**
   * What acceptance {@code a} delivered in each slot of request {@code r} that ended by {@code now}
   * and that the home's readings measure, by slot start: as the statements measure it (its meter's
   * energy by {@link SlotEnergy}, the baseline of the same quarter-hour on comparable days or, for
   * a home without them, of the hour before the event, {@link FlexDelivery}). The household's
   * listing and the grid operator's events both show this one measure.
   */
  Map<Instant, FlexRequests.SlotDelivery> delivered(
      FlexRequestRecord r, FlexAcceptanceRecord a, Instant now) {
    Map<Instant, FlexRequests.SlotDelivery> out = new HashMap<>();
    SlotEnergy energy =
        new SlotEnergy(dsl, a.getDeviceId(), FlexDirection.valueOf(r.getDirection()));
    for (Instant start = r.getStartsAt();
        start.isBefore(r.getEndsAt()) && !now.isBefore(start.plus(FlexEvents.SLOT));
        start = start.plus(FlexEvents.SLOT)) {
      OptionalLong meteredWh = energy.wh(start);
      if (meteredWh.isEmpty()) {
        continue;
      }
      OptionalLong baseline = FlexDelivery.baselineWh(energy::wh, start, r.getStartsAt());
      if (baseline.isPresent()) {
        long wh =
            FlexDelivery.deliveredWh(baseline.getAsLong(), meteredWh.getAsLong(), a.getWatts());
        out.put(
            start,
            new FlexRequests.SlotDelivery(
                baseline.getAsLong(),
                meteredWh.getAsLong(),
                wh,
                FlexDelivery.earned(wh, r.getPricePerKwh())));
      }
    }
    return out;
  }
}
