package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.control.AllowedHours;
import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.testing.MutableClock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flexibility end to end on the running platform: a grid operator's capacity limit for a zone
 * becomes the zone's request, the household accepts it with its battery, and its enrolled gateway,
 * as a VEN, fetches the per-device event, checks the platform-signed command and discharges the
 * simulated battery over Modbus TCP, then reports to the VTN, where the grid operator reads it;
 * after the event the household's statements pay the delivered flexibility over its channel, and
 * the delivery record's proof bundle verifies.
 */
class FlexibilityEndToEndTest {
  private static final String ZONE = "NL-FLEX";
  private static final int BATTERY_UNIT = 2;
  private static final long BATTERY_MAX_W = 4_000;

  @TempDir Path dir;

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  @Test
  void aCapacityLimitAcceptedByAHouseholdDischargesItsBatteryThroughItsGateway() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("platform"));
    PlatformHarness.createOperatorByCommand(dataDir);
    // the gateway checks the command's window on real time: the slots start at the current
    // quarter-hour, which the platform's clock has not reached when the household accepts
    Instant slot = Instant.now().truncatedTo(ChronoUnit.HOURS);
    while (!slot.plus(Duration.ofMinutes(15)).isAfter(Instant.now())) {
      slot = slot.plus(Duration.ofMinutes(15));
    }
    MutableClock clock = new MutableClock(slot.minusSeconds(60));
    MeterSimulator home =
        new MeterSimulator(MeterSimulator.Model.SDM630, 1, 5, 1, Clock.systemUTC());
    SimulatedDer der =
        new SimulatedDer(
            BATTERY_UNIT, false, new SimulatedDer.Battery(10_000, BATTERY_MAX_W, 90, 70));
    home.attach(der);
    home.start(0);
    try (PlatformHarness h =
        PlatformHarness.start(
            PlatformHarness.settings(dataDir, "settlement.pass-interval-seconds", "1"), clock)) {
      PlatformHarness.Gateway enrolled = h.annasEnrolledGateway(ZONE);
      long deviceId = enrolled.enrolment().getLong("deviceId");
      String ops = h.api.login("ops", PlatformHarness.OPS_PASSWORD);

      // the grid operator: business-logic credentials, a program, a limit on the zone
      JsonObject client =
          ok(h.api.post("/openadr/clients", ops, new JsonObject().put("label", "DSO")), 201);
      String vtn = client.getString("vtnUrl");
      HttpClient http = HttpClient.newHttpClient();
      String bl = bearer(http, vtn, client.getString("clientId"), client.getString("clientSecret"));
      String programId =
          new JsonObject(
                  send(
                      http,
                      bl,
                      "POST",
                      vtn + "/programs",
                      new JsonObject().put("programName", "dso-flex"),
                      201))
              .getString("id");
      JsonObject zoneEvent =
          new JsonObject(
              send(http, bl, "POST", vtn + "/events", importLimit(programId, slot), 201));

      // the household: its battery is controllable, it accepts 1 kW for both slots
      ok(
          h.api.put(
              "/devices/" + deviceId + "/flexibility",
              enrolled.ownerToken(),
              new JsonObject().put("kind", "battery").put("maxPowerW", 3_000)),
          200);
      JsonObject request =
          ok(h.api.get("/flex/requests", enrolled.ownerToken()), 200)
              .getJsonArray("requests")
              .stream()
              .map(JsonObject.class::cast)
              .filter(r -> r.getString("eventId").equals(zoneEvent.getString("id")))
              .findFirst()
              .orElseThrow();
      JsonObject acceptance =
          ok(
              h.api.post(
                  "/flex/requests/" + request.getLong("id") + "/acceptances",
                  enrolled.ownerToken(),
                  new JsonObject()
                      .put("deviceId", deviceId)
                      .put("watts", 1_000)
                      .put("clientKey", "e2e")),
              201);

      // the slot has begun: the gateway, on real time, runs its VEN once
      clock.set(Instant.now());
      Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
      Files.writeString(gatewayDir.resolve("enrollment.json"), enrolled.enrolment().encode());
      try (Gateway gateway =
          Gateway.open(
              gatewayConfig(gatewayDir, h, home), enrolled.key(), Clock.systemUTC(), () -> true)) {
        gateway.flexibilityStep();

        int[] battery = model124(home.port());
        // StorCtl_Mod: the discharge bit; OutWRte: 1000 W of WChaMax 4000 W in 0.01 %
        assertThat(battery[3]).isEqualTo(2);
        assertThat(battery[10]).isEqualTo(2_500);
        assertThat(der.batteryPowerW()).isEqualTo(-1_000);

        String reports = send(http, bl, "GET", vtn + "/reports", null, 200);
        JsonObject report =
            new JsonArray(reports)
                .stream()
                    .map(JsonObject.class::cast)
                    .filter(
                        r -> r.getString("eventID").equals(acceptance.getString("openadrEventId")))
                    .findFirst()
                    .orElseThrow(
                        () -> new AssertionError("no report of the device's event: " + reports));
        assertThat(report.getString("clientName")).isEqualTo(Long.toString(deviceId));
        assertThat(report.encode()).contains("RUNNING_CURTAILED");
      }
      // the gateway put the battery back when it closed
      assertThat(der.batteryPowerW()).isZero();

      // metering proves it: the home's meter counted 400 Wh in each of the two quarter-hours on
      // the five days before, and 100 Wh then 350 Wh during the event (its readings written as
      // ingestion stores them: the test cannot wait days, nor the half hour of the event)
      DSLContext db = h.platform.database().dsl();
      db.update(DEVICE)
          .set(DEVICE.ENROLLED_AT, slot.minus(Duration.ofDays(10)))
          .where(DEVICE.ID.eq(deviceId))
          .execute();
      long sequence = 1_000_000;
      long counter = 50_000;
      for (int back = 5; back >= 1; back--) {
        Instant day = slot.minus(Duration.ofDays(back));
        for (int q = 0; q <= 2; q++) {
          reading(db, deviceId, sequence++, day.plus(Duration.ofMinutes(15L * q)), counter);
          counter += q < 2 ? 400 : 0;
        }
        counter += 5_000;
      }
      reading(db, deviceId, sequence++, slot, counter);
      reading(db, deviceId, sequence++, slot.plus(Duration.ofMinutes(15)), counter + 100);
      reading(db, deviceId, sequence, slot.plus(Duration.ofMinutes(30)), counter + 450);

      // statements pay it: after the event's slots and the grace window, each slot's statement
      // carries the delivery (1 kW accepted: at most 250 Wh a slot) at 25 ct/kWh, paid over the
      // household's channel
      clock.set(slot.plus(Duration.ofMinutes(36)));
      long acceptanceId = acceptance.getLong("id");
      String anna = enrolled.ownerToken();
      String window =
          "?from=" + slot.minus(Duration.ofMinutes(1)) + "&to=" + slot.plus(Duration.ofMinutes(31));
      List<JsonObject> statements =
          await(
              () -> {
                List<JsonObject> found =
                    ok(h.api.get("/statements" + window, anna), 200)
                        .getJsonArray("statements")
                        .stream()
                        .map(JsonObject.class::cast)
                        .sorted(Comparator.comparing((JsonObject st) -> st.getString("slot")))
                        .toList();
                return found.size() == 2 ? Optional.of(found) : Optional.empty();
              });
      List<Long> deliveredWh = new ArrayList<>();
      long totalSat = 0;
      for (JsonObject statement : statements) {
        JsonObject line =
            statement.getJsonArray("lines").stream()
                .map(JsonObject.class::cast)
                .filter(l -> l.getString("kind").equals("FLEXIBILITY_DELIVERY"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no flexibility line: " + statement));
        assertThat(line.getLong("tradeId")).isEqualTo(acceptanceId);
        assertThat(line.getLong("pricePerKwh")).isEqualTo(25_000);
        assertThat(line.getLong("amount"))
            .isEqualTo(Rounding.energyAmount(line.getLong("quantityWh"), 25_000));
        deliveredWh.add(line.getLong("quantityWh"));
        totalSat += statement.getLong("totalSat");
      }
      assertThat(deliveredWh).containsExactly(250L, 50L);

      // the household's listing and the grid operator's events show what the statements pay
      long requestId = request.getLong("id");
      JsonObject mine =
          ok(h.api.get("/flex/requests", anna), 200).getJsonArray("requests").stream()
              .map(JsonObject.class::cast)
              .filter(r -> r.getLong("id") == requestId)
              .findFirst()
              .orElseThrow()
              .getJsonArray("myAcceptances")
              .getJsonObject(0);
      assertThat(mine.getJsonArray("slots").stream())
          .map(slotOf -> ((JsonObject) slotOf).getLong("deliveredWh"))
          .containsExactlyElementsOf(deliveredWh);
      JsonObject event =
          ok(h.api.get("/flex/events?zone=" + ZONE, ops), 200).getJsonArray("events").stream()
              .map(JsonObject.class::cast)
              .filter(e -> e.getLong("id") == requestId)
              .findFirst()
              .orElseThrow();
      assertThat(event.getJsonArray("slots").stream())
          .map(slotOf -> ((JsonObject) slotOf).getLong("deliveredWh"))
          .containsExactlyElementsOf(deliveredWh);
      assertThat(event.getLong("earned"))
          .isEqualTo(deliveredWh.stream().mapToLong(wh -> Rounding.energyAmount(wh, 25_000)).sum());
      long expectedSat = totalSat;
      List<JsonObject> payments =
          await(
              () -> {
                List<JsonObject> paid =
                    ok(h.api.get("/payments", anna), 200).getJsonArray("payments").stream()
                        .map(JsonObject.class::cast)
                        .filter(p -> p.getString("status").equals("paid"))
                        .toList();
                return paid.size() == 2 ? Optional.of(paid) : Optional.empty();
              });
      assertThat(payments.stream().mapToLong(p -> p.getLong("amountSat")).sum())
          .isEqualTo(expectedSat)
          .isPositive();
      assertThat(payments).allSatisfy(p -> assertThat(p.getString("channelId")).isNotNull());

      // proofs verify: the delivery record is anchored with the zone's slot and, once mined, its
      // bundle verifies with peerwatt verify
      JsonObject bundle =
          await(
              () -> {
                h.platform.settlement().mineNow();
                var answer = h.api.get("/proofs/flexibility/" + acceptanceId, anna);
                return answer.statusCode() == 200
                    ? Optional.of(answer.bodyAsJsonObject())
                    : Optional.empty();
              });
      assertThat(bundle.getString("kind")).isEqualTo("flexibility");
      Path bundleFile = Files.writeString(dir.resolve("flexibility.json"), bundle.encode());
      String base = h.platform.baseUrl();
      String key = h.api.get("/chain/platform-key", null).bodyAsJsonObject().getString("publicKey");
      assertThat(
              PeerwattCommand.run(
                  "verify",
                  bundleFile.toString(),
                  "--header-source",
                  base + "/api/v1/chain/headers",
                  "--platform-key",
                  key))
          .isZero();
      assertThat(h.api.get("/proofs/flexibility/" + acceptanceId, ops).statusCode()).isEqualTo(200);
    } finally {
      home.stop();
    }
  }

  /** An import limit of 50 W then 100 W on the zone in two slots from {@code start}, 25 ct/kWh. */
  private static JsonObject importLimit(String programId, Instant start) {
    JsonArray intervals = new JsonArray();
    String[] kw = {"0.05", "0.1"};
    for (int i = 0; i < kw.length; i++) {
      intervals.add(
          new JsonObject()
              .put("id", i)
              .put(
                  "payloads",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("type", "IMPORT_CAPACITY_LIMIT")
                              .put("values", new JsonArray().add(new java.math.BigDecimal(kw[i]))))
                      .add(
                          new JsonObject()
                              .put("type", "PRICE")
                              .put(
                                  "values",
                                  new JsonArray().add(new java.math.BigDecimal("0.25"))))));
    }
    return new JsonObject()
        .put("programID", programId)
        .put("targets", new JsonArray().add(ZONE))
        .put(
            "payloadDescriptors",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("objectType", "EVENT_PAYLOAD_DESCRIPTOR")
                        .put("payloadType", "IMPORT_CAPACITY_LIMIT")
                        .put("units", "KW"))
                .add(
                    new JsonObject()
                        .put("objectType", "EVENT_PAYLOAD_DESCRIPTOR")
                        .put("payloadType", "PRICE")
                        .put("units", "KWH")
                        .put("currency", "EUR")))
        .put(
            "intervalPeriod",
            new JsonObject().put("start", start.toString()).put("duration", "PT15M"))
        .put("intervals", intervals);
  }

  private static GatewayConfig gatewayConfig(Path dataDir, PlatformHarness h, MeterSimulator home) {
    MeterUri modbus = MeterUri.parse("tcp://127.0.0.1:" + home.port());
    FlexibilityConfig flex =
        new FlexibilityConfig(
            FlexibilityConfig.Kind.BATTERY,
            modbus,
            BATTERY_UNIT,
            OptionalInt.of(124),
            OptionalLong.empty(),
            20,
            3_000,
            AllowedHours.ALL_DAY,
            ZoneOffset.UTC,
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            FlexibilityConfig.DEFAULT_CLOCK_SKEW);
    return new GatewayConfig(
        dataDir,
        Optional.of(URI.create(h.platform.baseUrl())),
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        100,
        1 << 20,
        1 << 14,
        true,
        List.of(
            new MeterConfig(
                "grid",
                0,
                modbus,
                1,
                MapChoice.AUTO,
                Duration.ofSeconds(10),
                Duration.ofMillis(500),
                0)),
        Optional.empty(),
        Optional.empty(),
        Optional.of(flex));
  }

  /**
   * The body of SunSpec model 124 (storage) of the battery, read with plain Modbus TCP function 3
   * by walking the SunSpec model chain from 40000.
   */
  private static int[] model124(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int[] marker = readHolding(out, in, 40_000, 2);
      assertThat(marker).containsExactly(0x5375, 0x6e53); // "SunS"
      int address = 40_002;
      for (int models = 0; models < 10; models++) {
        int[] header = readHolding(out, in, address, 2);
        if (header[0] == 124) {
          return readHolding(out, in, address + 2, header[1]);
        }
        assertThat(header[0]).as("end of the SunSpec models").isNotEqualTo(0xFFFF);
        address += 2 + header[1];
      }
      throw new AssertionError("no SunSpec model 124 on unit " + BATTERY_UNIT);
    }
  }

  private static int transaction;

  private static int[] readHolding(DataOutputStream out, DataInputStream in, int address, int count)
      throws IOException {
    int id = ++transaction;
    out.writeShort(id);
    out.writeShort(0);
    out.writeShort(6);
    out.writeByte(BATTERY_UNIT);
    out.writeByte(3);
    out.writeShort(address);
    out.writeShort(count);
    out.flush();
    assertThat(in.readUnsignedShort()).isEqualTo(id);
    in.readUnsignedShort();
    in.readUnsignedShort();
    in.readUnsignedByte();
    int function = in.readUnsignedByte();
    assertThat(function).as("Modbus exception at %d", address).isEqualTo(3);
    int bytes = in.readUnsignedByte();
    int[] words = new int[bytes / 2];
    for (int i = 0; i < words.length; i++) {
      words[i] = in.readUnsignedShort();
    }
    return words;
  }

  /** Waits up to a minute for {@code probe} to find something. */
  private static <T> T await(java.util.concurrent.Callable<Optional<T>> probe) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (true) {
      Optional<T> found = probe.call();
      if (found.isPresent()) {
        return found.get();
      }
      assertThat(Instant.now()).as("waited a minute").isBefore(deadline);
      Thread.sleep(250);
    }
  }

  /** A reading of the device's channel 0 as ingestion stores it: import counter only. */
  private static void reading(
      DSLContext db, long device, long sequence, Instant at, long importWh) {
    byte[] hash = Hashes.sha256((device + "/" + sequence).getBytes(StandardCharsets.UTF_8));
    byte[] encoded = new byte[110];
    System.arraycopy(hash, 0, encoded, 0, 32);
    db.insertInto(READING)
        .set(READING.DEVICE_ID, device)
        .set(READING.SEQUENCE, sequence)
        .set(READING.METER_CHANNEL, 0)
        .set(READING.TAKEN_AT, at)
        .set(READING.IMPORT_WH, importWh)
        .set(READING.EXPORT_WH, 0L)
        .set(READING.POWER_W, 0L)
        .set(READING.QUALITY_FLAGS, 0)
        .set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, hash)
        .set(READING.SIGNATURE, new byte[70])
        .set(READING.ENCODED, encoded)
        .execute();
  }

  private static JsonObject ok(io.vertx.ext.web.client.HttpResponse<Buffer> answer, int status) {
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(status);
    return answer.bodyAsJsonObject();
  }

  private static String bearer(HttpClient http, String vtn, String clientId, String secret)
      throws Exception {
    HttpResponse<String> token =
        http.send(
            HttpRequest.newBuilder(URI.create(vtn + "/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id="
                            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                            + "&client_secret="
                            + URLEncoder.encode(secret, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    return "Bearer " + new JsonObject(token.body()).getString("access_token");
  }

  private static String send(
      HttpClient http, String bearer, String method, String url, JsonObject body, int status)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", bearer)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(method + " " + url + ": " + answer.body()).isEqualTo(status);
    return answer.body();
  }
}
