package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformClient.PlatformException;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.encoding.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, the light client's flag: a gateway reports its alarms with a device-signed {@code POST
 * /api/v1/gateway/alarms} to a running platform (real HTTP, embedded PostgreSQL); the platform
 * stores each alarm once however often it is reported, the devices listing carries it, and the
 * household's meters page and the operator's gateways page (HTML over HTTP) flag it with its kind,
 * reading and time. Malformed reports are refused with 400.
 */
class GatewayAlarmsPlatformTest {
  private static final String RAISED_AT = "2026-12-06T10:47:00Z";

  @Test
  void aReportedAlarmIsStoredOnceAndFlaggedOnThePortal(@TempDir Path dir) throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("platform"));
    PlatformHarness.createOperatorByCommand(dataDir);
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      PlatformHarness.Gateway gateway = h.annasEnrolledGateway("NL-G");
      long deviceId = gateway.enrolment().getLong("deviceId");
      PlatformClient device =
          new PlatformClient(
              URI.create(h.platform.baseUrl()),
              gateway.key(),
              new PlatformHttp(Duration.ofSeconds(10)),
              Clock.systemUTC(),
              Duration.ofSeconds(10));
      Map<String, Object> report =
          Map.of(
              "alarms",
              List.of(
                  alarm(
                      "MISSING",
                      0,
                      40,
                      "not in the anchor of its quarter-hour 2026-12-06T10:15:00Z",
                      RAISED_AT)));

      Map<String, Object> first = device.post("/gateway/alarms", report);
      Map<String, Object> again = device.post("/gateway/alarms", report);

      assertThat(Json.integer(first, "deviceId")).isEqualTo(deviceId);
      assertThat(Json.integer(first, "recorded")).isEqualTo(1);
      assertThat(Json.integer(again, "received")).isEqualTo(1);
      assertThat(Json.integer(again, "recorded")).isZero();
      JsonArray listed =
          h.api
              .get("/devices", gateway.ownerToken())
              .bodyAsJsonObject()
              .getJsonArray("devices")
              .getJsonObject(0)
              .getJsonArray("lightClientAlarms");
      assertThat(listed).hasSize(1);
      JsonObject stored = listed.getJsonObject(0);
      assertThat(stored.getString("kind")).isEqualTo("MISSING");
      assertThat(stored.getLong("channel")).isZero();
      assertThat(stored.getLong("sequence")).isEqualTo(40);
      assertThat(stored.getString("at")).isEqualTo(RAISED_AT);

      String household = page(h, "/devices", gateway.ownerToken());
      assertThat(household)
          .contains("id=\"light-client-alarms\"")
          .contains(
              "Gateway "
                  + deviceId
                  + ": <strong>MISSING</strong>: reading missing from its quarter-hour's anchor"
                  + " (meter channel 0, reading 40), raised")
          .contains("datetime=\"" + RAISED_AT + "\"");
      assertThat(household.split("class=\"alarm\"", -1)).hasSize(2);
      String operator =
          page(h, "/operator/devices", h.api.login("ops", PlatformHarness.OPS_PASSWORD));
      assertThat(operator)
          .contains("id=\"light-client-alarms\"")
          .contains("Gateway " + deviceId + ": <strong>MISSING</strong>");
    }
  }

  @Test
  void aMalformedReportIsRefusedWith400AndNothingIsStored(@TempDir Path dir) throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("platform"));
    PlatformHarness.createOperatorByCommand(dataDir);
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      PlatformHarness.Gateway gateway = h.annasEnrolledGateway("NL-G");
      PlatformClient device =
          new PlatformClient(
              URI.create(h.platform.baseUrl()),
              gateway.key(),
              new PlatformHttp(Duration.ofSeconds(10)),
              Clock.systemUTC(),
              Duration.ofSeconds(10));
      List<Map<String, Object>> malformed =
          List.of(
              Map.of("alarms", List.of(alarm("BOGUS", 0, 1, "x", RAISED_AT))),
              Map.of("alarms", List.of(alarm("MISSING", -1, 1, "no channel", RAISED_AT))),
              Map.of("alarms", List.of(alarm("HEADERS", 0, 5, "names a reading", RAISED_AT))),
              Map.of("alarms", List.of(alarm("DIFFERS", 0, 1, "x", "yesterday"))),
              Map.of("alarms", List.of()),
              Map.of("alarm", List.of(alarm("MISSING", 0, 1, "x", RAISED_AT))));
      for (Map<String, Object> report : malformed) {
        assertThatThrownBy(() -> device.post("/gateway/alarms", report))
            .as(Json.write(report))
            .isInstanceOfSatisfying(
                PlatformException.class, e -> assertThat(e.status()).isEqualTo(400));
      }
      assertThat(
              h.api
                  .get("/devices", gateway.ownerToken())
                  .bodyAsJsonObject()
                  .getJsonArray("devices")
                  .getJsonObject(0)
                  .getJsonArray("lightClientAlarms"))
          .isEmpty();
      assertThat(page(h, "/devices", gateway.ownerToken())).doesNotContain("light-client-alarms");
    }
  }

  private static Map<String, Object> alarm(
      String kind, long channel, long sequence, String detail, String at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("channel", channel);
    m.put("sequence", sequence);
    m.put("detail", detail);
    m.put("at", at);
    return m;
  }

  /** A portal page as the browser of the token's owner gets it. */
  private static String page(PlatformHarness h, String path, String token) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(h.platform.baseUrl() + path))
                    .header("cookie", "pw_session=" + token)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(path).isEqualTo(200);
    return answer.body();
  }
}
