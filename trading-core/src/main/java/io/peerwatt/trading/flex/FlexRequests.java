package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.OPENADR_OBJECT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.db.schema.tables.records.FlexAcceptanceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.trading.device.DeviceStore;
import io.peerwatt.trading.openadr.VtnObjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flexibility requests and the homes' acceptances. A capacity-limit event a business-logic client
 * targets at a zone becomes a request of that zone ({@link #recordFromEvent}); the zone's homes
 * with a controllable device accept it for a number of watts ({@link #accept}): binding, once per
 * device, idempotent on the household's client key. Each acceptance issues a command signed with
 * the platform key and sends it as a per-device OpenADR event targeted at the gateway's venName
 * (its device id). Blocking.
 *
 * <p>Needed reduction per slot = the zone's baseline minus the slot's limit, never below 0. The
 * baseline is the zone's metered mean import (for an export limit: export) power over the hour
 * before the request was made: the energy its devices' readings counted in that hour, in Wh, which
 * over one hour is the mean power in W.
 */
public final class FlexRequests {
  private static final Logger log = LoggerFactory.getLogger(FlexRequests.class);

  /** How long after its end an accepted request stays in the household's listing. */
  static final Duration SHOWN_AFTER_END = Duration.ofDays(7);

  /** The report payload in which a gateway says why it refused a command. */
  static final String REFUSAL_PAYLOAD = "X_PEERWATT_REFUSAL";

  /** The OpenADR program the per-device events belong to. */
  public static final String PROGRAM_NAME = "peerwatt-flexibility";

  private final DSLContext dsl;
  private final DeviceStore devices;
  private final VtnObjects objects;
  private final PrivateKey platformKey;
  private final FlexRules rules;
  private final Clock clock;
  private final FlexAcceptanceCommands commands;
  private final FlexRequestListing listing;

  public FlexRequests(
      DSLContext dsl,
      DeviceStore devices,
      VtnObjects objects,
      PrivateKey platformKey,
      FlexRules rules,
      Clock clock) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.devices = devices;
    this.objects = objects;
    this.platformKey = platformKey;
    this.rules = rules;
    this.clock = clock;
    this.commands = new FlexAcceptanceCommands(objects, platformKey);
    this.listing = new FlexRequestListing(dsl, clock);
  }

  /** The households' controllable devices and standing rules. */
  public FlexRules rules() {
    return rules;
  }

  /**
   * Records the request a new OpenADR event makes, in the event's transaction: when it is targeted
   * at a zone and carries a capacity limit. The platform's own per-device events make none.
   */
  public void recordFromEvent(DSLContext tx, JsonObject event, Instant now) {
    if (!FlexEvents.hasCapacityLimit(event)) {
      return;
    }
    String programName =
        tx.select(OPENADR_OBJECT.NAME)
            .from(OPENADR_OBJECT)
            .where(OPENADR_OBJECT.ID.eq(event.getString("programID")))
            .fetchOne(OPENADR_OBJECT.NAME);
    if (PROGRAM_NAME.equals(programName)) {
      return;
    }
    List<String> targets =
        event.getJsonArray("targets", new JsonArray()).stream().map(String::valueOf).toList();
    List<String> zones =
        targets.isEmpty()
            ? List.of()
            : tx.select(ZONE.CODE).from(ZONE).where(ZONE.CODE.in(targets)).fetch(ZONE.CODE);
    if (zones.isEmpty()) {
      return;
    }
    if (zones.size() > 1) {
      throw ApiError.badRequest(
          "INVALID_FLEX_REQUEST",
          "a flexibility request is for one zone; this event targets " + zones,
          "targets");
    }
    FlexEvents.Asked asked = FlexEvents.read(event);
    String zone = zones.get(0);
    long baselineW = baselineW(tx, zone, asked.direction(), now);
    FlexRequestRecord request = tx.newRecord(FLEX_REQUEST);
    request.setEventId(event.getString("id"));
    request.setZoneCode(zone);
    request.setDirection(asked.direction().name());
    request.setPricePerKwh(asked.pricePerKwh());
    request.setStartsAt(asked.start());
    request.setEndsAt(asked.end());
    request.setBaselineW(baselineW);
    request.setCreatedAt(now);
    request.store();
    for (int i = 0; i < asked.limitsW().size(); i++) {
      long limit = asked.limitsW().get(i);
      tx.insertInto(FLEX_REQUEST_SLOT)
          .set(FLEX_REQUEST_SLOT.REQUEST_ID, request.getId())
          .set(FLEX_REQUEST_SLOT.SLOT_START, asked.start().plus(FlexEvents.SLOT.multipliedBy(i)))
          .set(FLEX_REQUEST_SLOT.LIMIT_W, limit)
          .set(FLEX_REQUEST_SLOT.NEEDED_W, Math.max(0, baselineW - limit))
          .execute();
    }
    acceptByRules(tx, request, now);
  }

  /**
   * Accepts the request, in the transaction {@code tx}, for every device whose standing rule takes
   * it ({@link FlexRules#matching}), each recorded like an acceptance by hand under a client key of
   * its request and device; a request that has started takes none. Idempotent: a device that
   * accepted the request already is not asked again.
   *
   * @return the acceptances made
   */
  List<FlexAcceptanceRecord> acceptByRules(DSLContext tx, FlexRequestRecord request, Instant now) {
    if (!now.isBefore(request.getStartsAt())) {
      return List.of();
    }
    List<FlexAcceptanceRecord> made = new ArrayList<>();
    for (FlexRules.RuleAcceptance r : rules.matching(tx, request)) {
      made.add(
          commands.acceptIn(
              tx,
              request,
              r.deviceId(),
              r.accountId(),
              r.watts(),
              r.clientKey(request.getId()),
              now));
    }
    if (!made.isEmpty()) {
      log.info(
          "Standing rules accepted flexibility request {} with {} devices",
          request.getId(),
          made.size());
    }
    return made;
  }

  /**
   * Sets a device's standing rule ({@link FlexRules#setRule}) and applies the zone's rules to its
   * requests that have not started yet, so that a rule set after a request was made takes it too;
   * answers the rule and the ids of the acceptances this made.
   */
  public JsonObject setRule(
      Caller caller,
      long deviceId,
      long minPricePerKwh,
      long maxWatts,
      Set<FlexDirection> directions) {
    JsonObject rule = rules.setRule(caller, deviceId, minPricePerKwh, maxWatts, directions);
    JsonArray accepted = new JsonArray();
    dsl.transaction(
        tx -> {
          String zone =
              tx.dsl()
                  .select(METERING_POINT.ZONE_CODE)
                  .from(DEVICE)
                  .join(METERING_POINT)
                  .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
                  .where(DEVICE.ID.eq(deviceId))
                  .fetchOne(METERING_POINT.ZONE_CODE);
          Instant now = clock.instant();
          for (FlexRequestRecord request :
              tx.dsl()
                  .selectFrom(FLEX_REQUEST)
                  .where(FLEX_REQUEST.ZONE_CODE.eq(String.valueOf(zone)))
                  .and(FLEX_REQUEST.STARTS_AT.gt(now))
                  .orderBy(FLEX_REQUEST.STARTS_AT, FLEX_REQUEST.ID)
                  .forUpdate()
                  .fetch()) {
            acceptByRules(tx.dsl(), request, now).forEach(a -> accepted.add(a.getId()));
          }
        });
    objects.notifications().wake();
    return rule.put("accepted", accepted);
  }

  /**
   * The zone's metered mean import (export) power over the hour before {@code now}, in W: per
   * device, its counter's rise over the time its readings of that hour span (a device that started
   * metering within the hour counts with its mean so far), summed.
   */
  static long baselineW(DSLContext tx, String zone, FlexDirection direction, Instant now) {
    Field<Long> counter =
        direction == FlexDirection.REDUCE_EXPORT ? READING.EXPORT_WH : READING.IMPORT_WH;
    Field<Long> meanW =
        DSL.field(
            "floor(({0} - {1}) * 3600 / nullif(extract(epoch from {2} - {3}), 0))::bigint",
            Long.class,
            DSL.max(counter),
            DSL.min(counter),
            DSL.max(READING.TAKEN_AT),
            DSL.min(READING.TAKEN_AT));
    var perDevice =
        tx.select(meanW.as("w"))
            .from(READING)
            .join(DEVICE)
            .on(DEVICE.ID.eq(READING.DEVICE_ID))
            .join(METERING_POINT)
            .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
            .where(METERING_POINT.ZONE_CODE.eq(zone))
            .and(READING.TAKEN_AT.ge(now.minus(Duration.ofHours(1))))
            .and(READING.TAKEN_AT.lt(now))
            .groupBy(READING.DEVICE_ID)
            .asTable("per_device");
    Long w =
        tx.select(DSL.coalesce(DSL.sum(perDevice.field("w", Long.class)), BigDecimal.ZERO))
            .from(perDevice)
            .fetchOne(0, Long.class);
    return w == null ? 0 : w;
  }

  /** Sets a device's controllable device (its owner or an operator); answers it. */
  public JsonObject setDevice(Caller caller, long deviceId, String kind, long maxPowerW) {
    caller.require(Role.PROSUMER, Role.OPERATOR);
    devices.visible(caller, deviceId).orElseThrow(() -> ApiError.notFound("device " + deviceId));
    Instant now = clock.instant();
    Map<Field<?>, Object> settings =
        Map.of(FLEX_DEVICE.KIND, kind, FLEX_DEVICE.MAX_POWER_W, maxPowerW, FLEX_DEVICE.SET_AT, now);
    dsl.insertInto(FLEX_DEVICE)
        .set(FLEX_DEVICE.DEVICE_ID, deviceId)
        .set(settings)
        .onConflict(FLEX_DEVICE.DEVICE_ID)
        .doUpdate()
        .set(settings)
        .execute();
    return new JsonObject()
        .put("deviceId", deviceId)
        .put("kind", kind)
        .put("maxPowerW", maxPowerW)
        .put("setAt", now.toString());
  }

  /**
   * The requests of the caller's zone (an operator's: all) that have not ended, and for a week
   * after their end those the caller accepted, with their slots, what the zone's homes accepted so
   * far and the caller's own acceptances.
   */
  public JsonArray open(Caller caller) {
    return listing.open(caller);
  }

  /** An acceptance as answered, and whether this call made it (false: a repeat of its key). */
  public record Accepted(JsonObject acceptance, boolean created) {}

  /**
   * The caller's home accepts request {@code requestId} with its device {@code deviceId} for {@code
   * watts}: binding, so it is refused in words with the numbers when it cannot be kept.
   */
  public Accepted accept(
      Caller caller, long requestId, long deviceId, long watts, String clientKey) {
    caller.require(Role.PROSUMER);
    Accepted accepted =
        dsl.transactionResult(
            tx -> {
              DSLContext db = tx.dsl();
              FlexAcceptanceRecord replay =
                  db.selectFrom(FLEX_ACCEPTANCE)
                      .where(FLEX_ACCEPTANCE.ACCOUNT_ID.eq(caller.accountId()))
                      .and(FLEX_ACCEPTANCE.CLIENT_KEY.eq(clientKey))
                      .fetchOne();
              if (replay != null) {
                if (replay.getRequestId() != requestId
                    || replay.getDeviceId() != deviceId
                    || replay.getWatts() != watts) {
                  throw ApiError.conflict(
                      "CLIENT_KEY_REUSED",
                      "client key "
                          + clientKey
                          + " was used for another acceptance ("
                          + replay.getWatts()
                          + " W with device "
                          + replay.getDeviceId()
                          + " on request "
                          + replay.getRequestId()
                          + ")",
                      "clientKey");
                }
                return new Accepted(toJson(replay), false);
              }
              // the signed command carries its issue time to the millisecond
              Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
              FlexRequestRecord request =
                  // locked: a standing rule applied to the request at the same time waits
                  db.selectFrom(FLEX_REQUEST)
                      .where(FLEX_REQUEST.ID.eq(requestId))
                      .and(FLEX_REQUEST.ZONE_CODE.eq(String.valueOf(caller.zoneCode())))
                      .forUpdate()
                      .fetchOne();
              if (request == null) {
                throw ApiError.notFound("flexibility request " + requestId + " of your zone");
              }
              if (!now.isBefore(request.getStartsAt())) {
                throw ApiError.conflict(
                    "REQUEST_STARTED",
                    "flexibility request "
                        + requestId
                        + " started at "
                        + request.getStartsAt()
                        + ": it could be accepted until then",
                    null);
              }
              devices
                  .visible(caller, deviceId)
                  .filter(d -> "active".equals(d.getStatus()))
                  .orElseThrow(() -> ApiError.notFound("active device " + deviceId + " of yours"));
              FlexRules.controllable(db, deviceId, watts, "watts");
              FlexAcceptanceRecord already =
                  db.selectFrom(FLEX_ACCEPTANCE)
                      .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(requestId))
                      .and(FLEX_ACCEPTANCE.DEVICE_ID.eq(deviceId))
                      .fetchOne();
              if (already != null) {
                throw ApiError.conflict(
                    "ALREADY_ACCEPTED",
                    "device "
                        + deviceId
                        + " already accepted request "
                        + requestId
                        + " for "
                        + already.getWatts()
                        + " W",
                    "deviceId");
              }
              FlexAcceptanceRecord a =
                  commands.acceptIn(
                      db, request, deviceId, caller.accountId(), watts, clientKey, now);
              return new Accepted(toJson(a), true);
            });
    objects.notifications().wake();
    return accepted;
  }

  /**
   * What an acceptance delivered in one slot of its request, from the home's own readings ({@link
   * FlexDelivery}): baseline, metered and delivered Wh, and what it earns at the request's price.
   */
  record SlotDelivery(long baselineWh, long meteredWh, long deliveredWh, long earned) {}

  /**
   * What acceptance {@code a} delivered in each slot of request {@code r} that ended by {@code now}
   * and that the home's readings measure, by slot start: as the statements measure it (its meter's
   * energy by {@link SlotEnergy}, the baseline of the same quarter-hour on comparable days or, for
   * a home without them, of the hour before the event, {@link FlexDelivery}). The household's
   * listing and the grid operator's events both show this one measure.
   */
  Map<Instant, SlotDelivery> delivered(FlexRequestRecord r, FlexAcceptanceRecord a, Instant now) {
    return listing.delivered(r, a, now);
  }

  /** The watts accepted for the request so far, by every device. */
  static long acceptedW(DSLContext db, long requestId) {
    return db.select(DSL.coalesce(DSL.sum(FLEX_ACCEPTANCE.WATTS), BigDecimal.ZERO))
        .from(FLEX_ACCEPTANCE)
        .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(requestId))
        .fetchOne(0, Long.class);
  }

  /** A request's own fields, as every view of it starts. */
  static JsonObject toJson(FlexRequestRecord r) {
    return new JsonObject()
        .put("id", r.getId())
        .put("eventId", r.getEventId())
        .put("zone", r.getZoneCode())
        .put("direction", r.getDirection())
        .put("pricePerKwh", r.getPricePerKwh())
        .put("start", r.getStartsAt().toString())
        .put("end", r.getEndsAt().toString())
        .put("baselineW", r.getBaselineW());
  }

  static JsonObject toJson(FlexAcceptanceRecord a) {
    return new JsonObject()
        .put("id", a.getId())
        .put("requestId", a.getRequestId())
        .put("deviceId", a.getDeviceId())
        .put("watts", a.getWatts())
        .put("clientKey", a.getClientKey())
        .put("acceptedAt", a.getAcceptedAt().toString())
        .put("commandId", a.getCommandId())
        .put("openadrEventId", a.getOpenadrEventId());
  }
}
