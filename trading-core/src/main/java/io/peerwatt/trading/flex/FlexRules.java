package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static io.peerwatt.db.schema.Tables.FLEX_RULE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.db.schema.tables.records.FlexDeviceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.db.schema.tables.records.FlexRuleRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.trading.device.DeviceStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * A household's controllable device as it set it, and its standing rule: "accept flexibility
 * requests paying at least X per kWh, up to W watts, in these directions". When a request is made,
 * {@link #matching} names the devices whose rule accepts it and for how many watts: at most the
 * rule's watts, the device's maximum power and what the request still needs. Blocking.
 */
public final class FlexRules {
  private final DSLContext dsl;
  private final DeviceStore devices;
  private final Clock clock;

  public FlexRules(DSLContext dsl, DeviceStore devices, Clock clock) {
    this.dsl = dsl;
    this.devices = devices;
    this.clock = clock;
  }

  /** An acceptance a rule makes: the device, its owner and the watts. */
  record RuleAcceptance(long deviceId, long accountId, long watts) {
    /** The client key it is recorded under: one per request and device, so a repeat finds it. */
    String clientKey(long requestId) {
      return "rule-" + requestId + "-" + deviceId;
    }
  }

  /**
   * A device's flexibility settings (its owner or an operator): kind, maximum power and rule; a 404
   * when the device is not the caller's or has no controllable device set.
   */
  public JsonObject settings(Caller caller, long deviceId) {
    caller.require(Role.PROSUMER, Role.OPERATOR);
    visibleDevice(caller, deviceId);
    FlexDeviceRecord device =
        dsl.selectFrom(FLEX_DEVICE).where(FLEX_DEVICE.DEVICE_ID.eq(deviceId)).fetchOne();
    if (device == null) {
      throw ApiError.notFound("controllable device of device " + deviceId);
    }
    JsonObject out =
        new JsonObject()
            .put("deviceId", deviceId)
            .put("kind", device.getKind())
            .put("maxPowerW", device.getMaxPowerW())
            .put("setAt", device.getSetAt().toString());
    FlexRuleRecord rule =
        dsl.selectFrom(FLEX_RULE).where(FLEX_RULE.DEVICE_ID.eq(deviceId)).fetchOne();
    if (rule != null) {
      out.put("rule", toJson(rule));
    }
    return out;
  }

  /**
   * Sets the device's standing rule (its owner or an operator); answers it. The device needs a
   * controllable device, and the rule's watts fit within its maximum power.
   */
  public JsonObject setRule(
      Caller caller,
      long deviceId,
      long minPricePerKwh,
      long maxWatts,
      Set<FlexDirection> directions) {
    caller.require(Role.PROSUMER, Role.OPERATOR);
    visibleDevice(caller, deviceId);
    if (directions.isEmpty() || directions.contains(FlexDirection.BOTH)) {
      throw ApiError.badRequest(
          "INVALID_RULE",
          "a rule names REDUCE_IMPORT, REDUCE_EXPORT or both, one at a time",
          "directions");
    }
    controllable(dsl, deviceId, maxWatts, "maxWatts");
    Instant now = clock.instant();
    boolean reduceImport = directions.contains(FlexDirection.REDUCE_IMPORT);
    boolean reduceExport = directions.contains(FlexDirection.REDUCE_EXPORT);
    Map<Field<?>, Object> settings =
        Map.of(
            FLEX_RULE.MIN_PRICE_PER_KWH,
            minPricePerKwh,
            FLEX_RULE.MAX_WATTS,
            maxWatts,
            FLEX_RULE.REDUCE_IMPORT,
            reduceImport,
            FLEX_RULE.REDUCE_EXPORT,
            reduceExport,
            FLEX_RULE.SET_AT,
            now);
    FlexRuleRecord rule =
        dsl.insertInto(FLEX_RULE)
            .set(FLEX_RULE.DEVICE_ID, deviceId)
            .set(settings)
            .onConflict(FLEX_RULE.DEVICE_ID)
            .doUpdate()
            .set(settings)
            .returning()
            .fetchOne();
    return toJson(rule);
  }

  /** Removes the device's standing rule, if it has one (its owner or an operator). */
  public void removeRule(Caller caller, long deviceId) {
    caller.require(Role.PROSUMER, Role.OPERATOR);
    visibleDevice(caller, deviceId);
    dsl.deleteFrom(FLEX_RULE).where(FLEX_RULE.DEVICE_ID.eq(deviceId)).execute();
  }

  /**
   * The acceptances the rules of the request's zone make, in the order the rules were set: each
   * active device whose rule takes the request's direction at its price, for the least of the
   * rule's watts, the device's maximum power and what the request still needs (its largest slot's
   * need minus what is accepted already). Devices that accepted the request already are left out.
   */
  List<RuleAcceptance> matching(DSLContext tx, FlexRequestRecord request) {
    FlexDirection direction = FlexDirection.valueOf(request.getDirection());
    long neededW =
        tx.select(DSL.max(FLEX_REQUEST_SLOT.NEEDED_W))
            .from(FLEX_REQUEST_SLOT)
            .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(request.getId()))
            .fetchOptional(0, Long.class)
            .orElse(0L);
    long remaining = neededW - FlexRequests.acceptedW(tx, request.getId());
    List<RuleAcceptance> out = new ArrayList<>();
    var rules =
        tx.select(
                FLEX_RULE.DEVICE_ID,
                FLEX_RULE.MAX_WATTS,
                FLEX_DEVICE.MAX_POWER_W,
                METERING_POINT.ACCOUNT_ID)
            .from(FLEX_RULE)
            .join(FLEX_DEVICE)
            .on(FLEX_DEVICE.DEVICE_ID.eq(FLEX_RULE.DEVICE_ID))
            .join(DEVICE)
            .on(DEVICE.ID.eq(FLEX_RULE.DEVICE_ID))
            .join(METERING_POINT)
            .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
            .where(METERING_POINT.ZONE_CODE.eq(request.getZoneCode()))
            .and(DEVICE.STATUS.eq("active"))
            .and(FLEX_RULE.MIN_PRICE_PER_KWH.le(request.getPricePerKwh()))
            .and(
                direction == FlexDirection.REDUCE_IMPORT
                    ? FLEX_RULE.REDUCE_IMPORT.isTrue()
                    : FLEX_RULE.REDUCE_EXPORT.isTrue())
            .andNotExists(
                tx.selectOne()
                    .from(FLEX_ACCEPTANCE)
                    .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(request.getId()))
                    .and(FLEX_ACCEPTANCE.DEVICE_ID.eq(FLEX_RULE.DEVICE_ID)))
            .orderBy(FLEX_RULE.SET_AT, FLEX_RULE.DEVICE_ID)
            .fetch();
    for (var rule : rules) {
      if (remaining <= 0) {
        break;
      }
      long watts = Math.min(Math.min(rule.value2(), rule.value3()), remaining);
      out.add(new RuleAcceptance(rule.value1(), rule.value4(), watts));
      remaining -= watts;
    }
    return out;
  }

  /**
   * The controllable device of {@code deviceId}, which must exist and move {@code watts}: a 409
   * NOT_CONTROLLABLE without one, a 400 TOO_MUCH_POWER (on {@code wattsField}) beyond its maximum.
   */
  static FlexDeviceRecord controllable(
      DSLContext db, long deviceId, long watts, String wattsField) {
    FlexDeviceRecord device =
        db.selectFrom(FLEX_DEVICE).where(FLEX_DEVICE.DEVICE_ID.eq(deviceId)).fetchOne();
    if (device == null) {
      throw ApiError.conflict(
          "NOT_CONTROLLABLE",
          "device "
              + deviceId
              + " has no controllable device: set its kind (battery or inverter) and maximum power"
              + " first",
          "deviceId");
    }
    if (watts > device.getMaxPowerW()) {
      throw ApiError.badRequest(
          "TOO_MUCH_POWER",
          watts
              + " W is more than the "
              + device.getMaxPowerW()
              + " W your "
              + device.getKind()
              + " (device "
              + deviceId
              + ") can move",
          wattsField);
    }
    return device;
  }

  private void visibleDevice(Caller caller, long deviceId) {
    devices.visible(caller, deviceId).orElseThrow(() -> ApiError.notFound("device " + deviceId));
  }

  private static JsonObject toJson(FlexRuleRecord rule) {
    JsonArray directions = new JsonArray();
    if (rule.getReduceImport()) {
      directions.add(FlexDirection.REDUCE_IMPORT.name());
    }
    if (rule.getReduceExport()) {
      directions.add(FlexDirection.REDUCE_EXPORT.name());
    }
    return new JsonObject()
        .put("deviceId", rule.getDeviceId())
        .put("minPricePerKwh", rule.getMinPricePerKwh())
        .put("maxWatts", rule.getMaxWatts())
        .put("directions", directions)
        .put("setAt", rule.getSetAt().toString());
  }
}
