package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;

import io.peerwatt.db.schema.tables.records.FlexAcceptanceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.trading.openadr.ObjectType;
import io.peerwatt.trading.openadr.VtnCaller;
import io.peerwatt.trading.openadr.VtnObjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * The command an acceptance of a flexibility request issues: signed with the platform key and sent
 * as a per-device OpenADR event targeted at the gateway's venName (its device id), stored with the
 * acceptance. Blocking.
 */
final class FlexAcceptanceCommands {
  /** The platform as the author of the per-device events. */
  private static final VtnCaller PLATFORM =
      new VtnCaller("platform", true, VtnCaller.BL_SCOPES, null);

  private final VtnObjects objects;
  private final PrivateKey platformKey;

  FlexAcceptanceCommands(VtnObjects objects, PrivateKey platformKey) {
    this.objects = objects;
    this.platformKey = platformKey;
  }

  /**
   * Records a binding acceptance in the transaction {@code db}: signs the command with the platform
   * key, creates the per-device OpenADR event that carries it, and stores the acceptance.
   */
  FlexAcceptanceRecord acceptIn(
      DSLContext db,
      FlexRequestRecord request,
      long deviceId,
      long accountId,
      long watts,
      String clientKey,
      Instant now) {
    String eventId = UUID.randomUUID().toString();
    FlexCommand command =
        new FlexCommand(
            UUID.randomUUID().toString(),
            Long.toString(deviceId),
            eventId,
            FlexAction.valueOf(request.getDirection()),
            watts,
            request.getStartsAt(),
            request.getEndsAt(),
            // the signed command carries its issue time to the millisecond (standing rules too)
            now.truncatedTo(ChronoUnit.MILLIS));
    String signed = SignedFlexCommand.sign(command, platformKey).toJson();
    objects.createIn(
        db, ObjectType.EVENT, eventId, deviceEvent(db, request, deviceId, watts, signed), PLATFORM);
    FlexAcceptanceRecord a = db.newRecord(FLEX_ACCEPTANCE);
    a.setRequestId(request.getId());
    a.setDeviceId(deviceId);
    a.setAccountId(accountId);
    a.setWatts(watts);
    a.setClientKey(clientKey);
    a.setAcceptedAt(now);
    a.setCommandId(command.commandId());
    a.setOpenadrEventId(eventId);
    a.setSignedCommand(signed);
    a.store();
    return a;
  }

  /**
   * The per-device OpenADR event: targeted at the gateway's venName, over the request's slots, its
   * first interval carrying the setpoint (the change of the home's consumption in kW: negative to
   * import less, positive to export less) and the signed command.
   */
  private JsonObject deviceEvent(
      DSLContext db, FlexRequestRecord request, long deviceId, long watts, String signed) {
    FlexDirection direction = FlexDirection.valueOf(request.getDirection());
    BigDecimal kw = BigDecimal.valueOf(watts, 3).stripTrailingZeros();
    if (kw.scale() < 0) {
      kw = kw.setScale(0);
    }
    BigDecimal setpoint = direction == FlexDirection.REDUCE_IMPORT ? kw.negate() : kw;
    return new JsonObject()
        .put("programID", objects.programIdIn(db, FlexRequests.PROGRAM_NAME))
        .put("eventName", "flexibility request " + request.getId() + ", device " + deviceId)
        .put("targets", new JsonArray().add(Long.toString(deviceId)))
        .put(
            "payloadDescriptors",
            new JsonArray().add(OpenAdrPayloads.descriptor("DISPATCH_SETPOINT_RELATIVE", "KW")))
        .put(
            "intervalPeriod",
            new JsonObject()
                .put("start", request.getStartsAt().toString())
                .put(
                    "duration",
                    Duration.between(request.getStartsAt(), request.getEndsAt()).toString()))
        .put(
            "intervals",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("id", 0)
                        .put(
                            "payloads",
                            new JsonArray()
                                .add(
                                    OpenAdrPayloads.payload("DISPATCH_SETPOINT_RELATIVE", setpoint))
                                .add(
                                    OpenAdrPayloads.payload(
                                        "X_PEERWATT_SIGNED_COMMAND", signed)))));
  }
}
