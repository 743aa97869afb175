package io.peerwatt.trading.flex;

import static io.peerwatt.trading.testing.ApiClient.await;
import static io.peerwatt.trading.testing.ApiClient.check;
import static io.peerwatt.trading.testing.ApiClient.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.schema.Tables;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.openadr.VtnClients;
import io.peerwatt.trading.openadr.VtnContract;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.ApiClient.Account;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openadr.oadr3.client.ApiException;
import org.openadr.oadr3.client.api.AuthApi;
import org.openadr.oadr3.client.api.EventsApi;
import org.openadr.oadr3.client.api.ProgramsApi;
import org.openadr.oadr3.client.api.ReportsApi;
import org.openadr.oadr3.client.model.Event;
import org.openadr.oadr3.client.model.EventPayloadDescriptor;
import org.openadr.oadr3.client.model.EventRequest;
import org.openadr.oadr3.client.model.Interval;
import org.openadr.oadr3.client.model.IntervalPeriod;
import org.openadr.oadr3.client.model.ProgramRequest;
import org.openadr.oadr3.client.model.ReportRequest;
import org.openadr.oadr3.client.model.ReportRequestResourcesInner;
import org.openadr.oadr3.client.model.ValuesMap;
import org.openadr.oadr3.client.model.ValuesMapValuesInner;

/**
 * A capacity-limit event targeted at a zone becomes the zone's flexibility request; a home with a
 * controllable device accepts it (refused in words when it cannot), and its gateway, as a VEN,
 * finds the per-device event carrying the setpoint and the command signed with the platform key.
 */
@ExtendWith(PostgresExtension.class)
class FlexApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static Account home;
  static TestGateway gateway;
  static org.openadr.oadr3.client.ApiClient bl;
  static String programId;

  @BeforeAll
  static void start(TestDatabase db) throws Exception {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-12-06T12:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-FLEX", ApiClient.zoneBody("Zone FLEX", "CALL_AUCTION", 5000, 1));
    home = h.prosumer(operator, "flex-home", "DE-FLEX");
    gateway = new TestGateway(h.clock.instant().minusSeconds(1800));
    gateway.enrol(h, home.token(), h.meteringPoint(home.token(), 10_000));
    // 60 readings, 5 s and 2 Wh apart, in the hour before: the zone's baseline is 118 Wh over the
    // 295 s they span = 1440 W
    check(h.post("/readings", null, gateway.batch(gateway.next(60), h.clock.instant())), 200);
    eventually(() -> h.db.dsl().fetchCount(Tables.READING) == 60);
    VtnClients.Issued client =
        await(
            h.vertx.executeBlocking(
                () -> h.api.vtn().clients().issueBusinessLogic("grid operator")));
    bl = openadr(token(client.clientId(), client.clientSecret()));
    programId =
        new ProgramsApi(bl).createProgram(new ProgramRequest().programName("evening")).getId();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static String vtnUrl() {
    return "http://127.0.0.1:" + h.port() + VtnContract.BASE_PATH;
  }

  static org.openadr.oadr3.client.ApiClient openadr(String token) {
    org.openadr.oadr3.client.ApiClient api = new org.openadr.oadr3.client.ApiClient();
    api.updateBaseUri(vtnUrl());
    if (token != null) {
      api.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    }
    return api;
  }

  static String token(String clientId, String secret) throws ApiException {
    return new AuthApi(openadr(null))
        .fetchToken("client_credentials", clientId, secret, null)
        .getAccessToken();
  }

  /** An import limit for two slots from 17:00 at {@code eurPerKwh}. */
  static EventRequest importLimit(String target, String eurPerKwh, String... kw) {
    EventRequest e =
        new EventRequest()
            .programID(programId)
            .targets(List.of(target))
            .addPayloadDescriptorsItem(
                new EventPayloadDescriptor()
                    .objectType(EventPayloadDescriptor.ObjectTypeEnum.EVENT_PAYLOAD_DESCRIPTOR)
                    .payloadType("IMPORT_CAPACITY_LIMIT")
                    .units("KW"))
            .addPayloadDescriptorsItem(
                new EventPayloadDescriptor()
                    .objectType(EventPayloadDescriptor.ObjectTypeEnum.EVENT_PAYLOAD_DESCRIPTOR)
                    .payloadType("PRICE")
                    .units("KWH")
                    .currency("EUR"))
            .intervalPeriod(
                new IntervalPeriod()
                    .start(OffsetDateTime.parse("2026-12-06T17:00:00Z"))
                    .duration("PT15M"));
    for (int i = 0; i < kw.length; i++) {
      e.addIntervalsItem(
          new Interval()
              .id(i)
              .addPayloadsItem(
                  new ValuesMap()
                      .type("IMPORT_CAPACITY_LIMIT")
                      .addValuesItem(new ValuesMapValuesInner(new BigDecimal(kw[i]))))
              .addPayloadsItem(
                  new ValuesMap()
                      .type("PRICE")
                      .addValuesItem(new ValuesMapValuesInner(new BigDecimal(eurPerKwh)))));
    }
    return e;
  }

  static JsonObject acceptance(long watts, String key) {
    return new JsonObject()
        .put("deviceId", gateway.deviceId)
        .put("watts", watts)
        .put("clientKey", key);
  }

  @Test
  void aZoneEventBecomesARequestThatAHomeAcceptsAndItsGatewayReceivesSigned() throws Exception {
    Event zoneEvent = new EventsApi(bl).createEvent(importLimit("DE-FLEX", "0.25", "0.05", "0.1"));

    JsonObject request = requestOfEvent(zoneEvent.getId());
    assertThat(request.getString("direction")).isEqualTo("REDUCE_IMPORT");
    // 0.25 EUR/kWh = 25 ct/kWh = 25000 in 0.001 ct/kWh
    assertThat(request.getLong("pricePerKwh")).isEqualTo(25_000);
    assertThat(request.getLong("baselineW")).isEqualTo(1440);
    assertThat(request.getJsonArray("slots"))
        .extracting(s -> ((JsonObject) s).getLong("neededW"))
        .containsExactly(1390L, 1340L);
    long id = request.getLong("id");

    // no controllable device yet, then too much power for it: refusals in words with the numbers
    HttpResponse<Buffer> uncontrollable =
        h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(500, "k1"));
    assertThat(uncontrollable.statusCode()).isEqualTo(409);
    assertThat(uncontrollable.bodyAsJsonObject().getString("message"))
        .contains("device " + gateway.deviceId, "kind", "maximum power");
    check(
        h.put(
            "/devices/" + gateway.deviceId + "/flexibility",
            home.token(),
            new JsonObject().put("kind", "battery").put("maxPowerW", 1200)),
        200);
    HttpResponse<Buffer> tooMuch =
        h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(1500, "k1"));
    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(tooMuch.bodyAsJsonObject().getString("message"))
        .isEqualTo(
            "1500 W is more than the 1200 W your battery (device "
                + gateway.deviceId
                + ") can move");

    HttpResponse<Buffer> accepted =
        h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(1000, "k1"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    JsonObject a = accepted.bodyAsJsonObject();
    // the same key again is the same acceptance; another key for the same device is refused
    HttpResponse<Buffer> repeated =
        h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(1000, "k1"));
    assertThat(repeated.statusCode()).isEqualTo(200);
    assertThat(repeated.bodyAsJsonObject()).isEqualTo(a);
    assertThat(
            h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(900, "k2"))
                .statusCode())
        .isEqualTo(409);
    JsonObject listed = requestOfEvent(zoneEvent.getId());
    assertThat(listed.getJsonArray("myAcceptances").getJsonObject(0).getString("commandId"))
        .isEqualTo(a.getString("commandId"));
    assertThat(listed.getJsonArray("slots").getJsonObject(0).getLong("acceptedW")).isEqualTo(1000);

    // the gateway, as a VEN, finds its event: setpoint -1 kW, and the command signed by the
    // platform
    VtnClients.Issued ven =
        await(h.vertx.executeBlocking(() -> h.api.vtn().clients().issueVen(gateway.deviceId)));
    String venName = Long.toString(gateway.deviceId);
    List<Event> events =
        new EventsApi(openadr(token(ven.clientId(), ven.clientSecret())))
            .searchAllEvents(null, List.of(venName), null, null, null);
    Event mine =
        events.stream()
            .filter(e -> e.getId().equals(a.getString("openadrEventId")))
            .findFirst()
            .orElseThrow();
    assertThat(mine.getIntervalPeriod().getStart())
        .isEqualTo(OffsetDateTime.parse("2026-12-06T17:00:00Z"));
    assertThat(mine.getIntervalPeriod().getDuration()).isEqualTo("PT30M");
    var payloads = mine.getIntervals().get(0).getPayloads();
    assertThat(payloads.get(0).getType()).isEqualTo("DISPATCH_SETPOINT_RELATIVE");
    assertThat(payloads.get(0).getValues().get(0).getBigDecimal()).isEqualByComparingTo("-1");
    assertThat(payloads.get(1).getType()).isEqualTo("X_PEERWATT_SIGNED_COMMAND");
    SignedFlexCommand signed =
        SignedFlexCommand.fromJson(payloads.get(1).getValues().get(0).getString());
    assertThat(signed.verify(h.keys.signingKey().publicKey())).isTrue();
    FlexCommand command = signed.command();
    assertThat(command.deviceId()).isEqualTo(venName);
    assertThat(command.eventId()).isEqualTo(mine.getId());
    assertThat(command.action()).isEqualTo(FlexAction.REDUCE_IMPORT);
    assertThat(command.watts()).isEqualTo(1000);
    assertThat(command.validFrom()).isEqualTo(Instant.parse("2026-12-06T17:00:00Z"));
    assertThat(command.validUntil()).isEqualTo(Instant.parse("2026-12-06T17:30:00Z"));
    assertThat(command.commandId()).isEqualTo(a.getString("commandId"));

    // the gateway reports what it applied; the household sees requested against reported per slot
    new ReportsApi(openadr(token(ven.clientId(), ven.clientSecret())))
        .createReport(
            new ReportRequest()
                .eventID(mine.getId())
                .clientName(venName)
                .addResourcesItem(
                    new ReportRequestResourcesInner()
                        .resourceName(venName)
                        .addIntervalsItem(
                            new Interval()
                                .id(0)
                                .addPayloadsItem(
                                    new ValuesMap()
                                        .type("SETPOINT")
                                        .addValuesItem(
                                            new ValuesMapValuesInner(new BigDecimal("-0.8"))))
                                .addPayloadsItem(
                                    new ValuesMap()
                                        .type("OPERATING_STATE")
                                        .addValuesItem(
                                            new ValuesMapValuesInner("RUNNING_CURTAILED"))))));
    JsonArray slots =
        requestOfEvent(zoneEvent.getId())
            .getJsonArray("myAcceptances")
            .getJsonObject(0)
            .getJsonArray("slots");
    assertThat(slots.getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("start", "2026-12-06T17:00:00Z")
                .put("requestedW", -1000)
                .put("reportedW", -800)
                .put("operatingState", "RUNNING_CURTAILED"));
    assertThat(slots.getJsonObject(1).containsKey("reportedW")).isFalse();

    // a later report on the second slot: the battery's charge level, and why the gateway refused
    new ReportsApi(openadr(token(ven.clientId(), ven.clientSecret())))
        .createReport(
            new ReportRequest()
                .eventID(mine.getId())
                .clientName(venName)
                .addResourcesItem(
                    new ReportRequestResourcesInner()
                        .resourceName(venName)
                        .addIntervalsItem(
                            new Interval()
                                .id(1)
                                .addPayloadsItem(
                                    new ValuesMap()
                                        .type("STORAGE_CHARGE_LEVEL")
                                        .addValuesItem(
                                            new ValuesMapValuesInner(new BigDecimal("0.2"))))
                                .addPayloadsItem(
                                    new ValuesMap()
                                        .type("X_PEERWATT_REFUSAL")
                                        .addValuesItem(
                                            new ValuesMapValuesInner(
                                                "BELOW_MIN_SOC: the battery is at its minimum"))))));
    JsonObject second =
        requestOfEvent(zoneEvent.getId())
            .getJsonArray("myAcceptances")
            .getJsonObject(0)
            .getJsonArray("slots")
            .getJsonObject(1);
    assertThat(second.getValue("storageChargeLevel").toString()).isEqualTo("0.2");
    assertThat(second.getString("refusal"))
        .isEqualTo("BELOW_MIN_SOC: the battery is at its minimum");

    // once the first slot starts, the request takes no more acceptances
    h.clock.set(Instant.parse("2026-12-06T17:00:00Z"));
    try {
      HttpResponse<Buffer> late =
          h.post("/flex/requests/" + id + "/acceptances", home.token(), acceptance(100, "k3"));
      assertThat(late.statusCode()).isEqualTo(409);
      assertThat(late.bodyAsJsonObject().getString("message")).contains("started at");
    } finally {
      h.clock.set(Instant.parse("2026-12-06T12:00:00Z"));
    }
  }

  @Test
  void anAcceptanceOnAClockFinerThanMillisecondsSignsItsCommandToTheMillisecond() throws Exception {
    new EventsApi(bl)
        .createEvent(
            importLimit("DE-FLEX", "0.25", "0.05")
                .intervalPeriod(
                    new IntervalPeriod()
                        .start(OffsetDateTime.parse("2026-12-06T19:00:00Z"))
                        .duration("PT15M")));
    // a home of its own, so the other tests' home keeps its device uncontrollable until they
    // register it
    Account neighbour = h.prosumer(operator, "flex-neighbour", "DE-FLEX");
    TestGateway battery = new TestGateway(h.clock.instant().minusSeconds(600));
    battery.enrol(h, neighbour.token(), h.meteringPoint(neighbour.token(), 10_000));
    JsonObject request =
        ApiClient.ok(h.get("/flex/requests", neighbour.token())).getJsonArray("requests").stream()
            .map(JsonObject.class::cast)
            .filter(r -> r.getString("start").equals("2026-12-06T19:00:00Z"))
            .findFirst()
            .orElseThrow();
    check(
        h.put(
            "/devices/" + battery.deviceId + "/flexibility",
            neighbour.token(),
            new JsonObject().put("kind", "battery").put("maxPowerW", 1200)),
        200);
    // an accelerated or system clock answers microseconds and nanoseconds
    h.clock.set(Instant.parse("2026-12-06T12:00:00.000123456Z"));
    HttpResponse<Buffer> accepted;
    try {
      accepted =
          h.post(
              "/flex/requests/" + request.getLong("id") + "/acceptances",
              neighbour.token(),
              new JsonObject()
                  .put("deviceId", battery.deviceId)
                  .put("watts", 700)
                  .put("clientKey", "sub-millisecond"));
    } finally {
      h.clock.set(Instant.parse("2026-12-06T12:00:00Z"));
    }
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    String signed =
        h.db
            .dsl()
            .select(Tables.FLEX_ACCEPTANCE.SIGNED_COMMAND)
            .from(Tables.FLEX_ACCEPTANCE)
            .where(Tables.FLEX_ACCEPTANCE.CLIENT_KEY.eq("sub-millisecond"))
            .fetchOne(Tables.FLEX_ACCEPTANCE.SIGNED_COMMAND);
    assertThat(SignedFlexCommand.fromJson(signed).command().issuedAt())
        .isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
  }

  @Test
  void afterASlotTheHomeSeesWhatItDeliveredAgainstItsOwnBaselineAndWhatItEarns() throws Exception {
    new EventsApi(bl)
        .createEvent(
            importLimit("DE-FLEX", "0.25", "0.05")
                .intervalPeriod(
                    new IntervalPeriod()
                        .start(OffsetDateTime.parse("2026-12-06T18:00:00Z"))
                        .duration("PT15M")));
    JsonObject request =
        ApiClient.ok(h.get("/flex/requests", home.token())).getJsonArray("requests").stream()
            .map(JsonObject.class::cast)
            .filter(r -> r.getString("start").equals("2026-12-06T18:00:00Z"))
            .findFirst()
            .orElseThrow();
    check(
        h.put(
            "/devices/" + gateway.deviceId + "/flexibility",
            home.token(),
            new JsonObject().put("kind", "battery").put("maxPowerW", 1200)),
        200);
    check(
        h.post(
            "/flex/requests/" + request.getLong("id") + "/acceptances",
            home.token(),
            acceptance(1000, "delivery")),
        201);
    // the home's own readings at the 18:00 quarter-hour's boundaries: 300 Wh in it on each of the 5
    // days before (and 9000 Wh 6 days before, which the baseline does not reach), 100 Wh on the day
    Instant slot = Instant.parse("2026-12-06T18:00:00Z");
    long sequence = 1_000_000;
    long counter = 10_000_000;
    for (int daysBack = 6; daysBack >= 0; daysBack--) {
      long used = daysBack == 0 ? 100 : daysBack == 6 ? 9000 : 300;
      Instant start = slot.minus(Duration.ofDays(daysBack));
      storeReading(sequence++, start, counter);
      counter += used;
      storeReading(sequence++, start.plus(Duration.ofMinutes(15)), counter);
    }
    JsonObject slot0 = deliverySlot(request.getLong("id"));
    assertThat(slot0.containsKey("deliveredWh")).as("not before the slot ends").isFalse();
    h.clock.set(Instant.parse("2026-12-06T18:15:00Z"));
    try {
      slot0 = deliverySlot(request.getLong("id"));
    } finally {
      h.clock.set(Instant.parse("2026-12-06T12:00:00Z"));
    }
    // baseline 300 Wh, metered 100 Wh: 200 Wh delivered (the acceptance covers 250 Wh), at 25
    // ct/kWh
    assertThat(slot0.getLong("baselineWh")).isEqualTo(300);
    assertThat(slot0.getLong("meteredWh")).isEqualTo(100);
    assertThat(slot0.getLong("deliveredWh")).isEqualTo(200);
    assertThat(slot0.getLong("earned")).isEqualTo(5_000);
  }

  /** The household's listing of the request event {@code eventId} made. */
  private static JsonObject requestOfEvent(String eventId) {
    return ApiClient.ok(h.get("/flex/requests", home.token())).getJsonArray("requests").stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getString("eventId").equals(eventId))
        .findFirst()
        .orElseThrow();
  }

  private static JsonObject deliverySlot(long requestId) {
    return ApiClient.ok(h.get("/flex/requests", home.token())).getJsonArray("requests").stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getLong("id") == requestId)
        .findFirst()
        .orElseThrow()
        .getJsonArray("myAcceptances")
        .getJsonObject(0)
        .getJsonArray("slots")
        .getJsonObject(0);
  }

  /** A reading row of the gateway's device, as ingestion stores one (the fields the rules read). */
  private static void storeReading(long sequence, Instant takenAt, long importWh) {
    h.db
        .dsl()
        .insertInto(Tables.READING)
        .set(Tables.READING.DEVICE_ID, gateway.deviceId)
        .set(Tables.READING.SEQUENCE, sequence)
        .set(Tables.READING.METER_CHANNEL, 0)
        .set(Tables.READING.TAKEN_AT, takenAt)
        .set(Tables.READING.IMPORT_WH, importWh)
        .set(Tables.READING.EXPORT_WH, 0L)
        .set(Tables.READING.POWER_W, 0L)
        .set(Tables.READING.QUALITY_FLAGS, 0)
        .set(Tables.READING.PREV_HASH, new byte[32])
        .set(Tables.READING.READING_HASH, new byte[32])
        .set(Tables.READING.SIGNATURE, new byte[70])
        .set(Tables.READING.ENCODED, new byte[1])
        .execute();
  }

  @Test
  void aFlexibilityEventMustBeReadableAsOne() {
    int requests = h.db.dsl().fetchCount(Tables.FLEX_REQUEST);
    int events = h.db.dsl().fetchCount(Tables.OPENADR_OBJECT);
    // a price finer than 0.001 ct/kWh, and a slot that is not 15 minutes long, are refused
    assertRefused(importLimit("DE-FLEX", "0.0000001", "1"), "finer than 0.001 ct/kWh");
    EventRequest hourly = importLimit("DE-FLEX", "0.2", "1");
    hourly.getIntervalPeriod().duration("PT1H");
    assertRefused(hourly, "15-minute slots");
    EventRequest both = importLimit("DE-FLEX", "0.2", "1");
    both.getIntervals()
        .get(0)
        .addPayloadsItem(
            new ValuesMap()
                .type("EXPORT_CAPACITY_LIMIT")
                .addValuesItem(new ValuesMapValuesInner(BigDecimal.ONE)));
    assertRefused(both, "not both");
    // refused events leave nothing behind
    assertThat(h.db.dsl().fetchCount(Tables.FLEX_REQUEST)).isEqualTo(requests);
    assertThat(h.db.dsl().fetchCount(Tables.OPENADR_OBJECT)).isEqualTo(events);
  }

  static void assertRefused(EventRequest event, String words) {
    try {
      new EventsApi(bl).createEvent(event);
      throw new AssertionError("the event was accepted");
    } catch (ApiException e) {
      assertThat(e.getCode()).isEqualTo(400);
      assertThat(e.getResponseBody()).contains(words);
    }
  }
}
