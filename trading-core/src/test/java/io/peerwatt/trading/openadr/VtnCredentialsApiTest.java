package io.peerwatt.trading.openadr;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.ApiClient.Account;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
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
import org.openadr.oadr3.client.api.VensApi;
import org.openadr.oadr3.client.model.Event;
import org.openadr.oadr3.client.model.EventRequest;
import org.openadr.oadr3.client.model.Interval;
import org.openadr.oadr3.client.model.IntervalPeriod;
import org.openadr.oadr3.client.model.Program;
import org.openadr.oadr3.client.model.ProgramRequest;
import org.openadr.oadr3.client.model.ValuesMap;
import org.openadr.oadr3.client.model.ValuesMapValuesInner;
import org.openadr.oadr3.client.model.Ven;

/**
 * Getting credentials for the VTN: an operator issues a business-logic client on the platform's API
 * (the secret shown once); a gateway asks for its VEN credentials with a device-signed request and
 * then reads the events targeted at its venName, as the gateway side of issue 21 does.
 */
@ExtendWith(PostgresExtension.class)
class VtnCredentialsApiTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static Account home;
  static TestGateway gateway;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-12-06T12:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-CRED", ApiClient.zoneBody("Zone CRED", "CALL_AUCTION", 5000, 1));
    home = h.prosumer(operator, "cred-home", "DE-CRED");
    gateway = new TestGateway(h.clock.instant());
    gateway.enrol(h, home.token(), h.meteringPoint(home.token(), 10_000));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static org.openadr.oadr3.client.ApiClient client(String vtnUrl, String token) {
    org.openadr.oadr3.client.ApiClient api = new org.openadr.oadr3.client.ApiClient();
    api.updateBaseUri(vtnUrl);
    if (token != null) {
      api.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    }
    return api;
  }

  static String token(String vtnUrl, JsonObject credentials) throws ApiException {
    return new AuthApi(client(vtnUrl, null))
        .fetchToken(
            "client_credentials",
            credentials.getString("clientId"),
            credentials.getString("clientSecret"),
            null)
        .getAccessToken();
  }

  /** {@code POST /api/v1/gateway/openadr/credentials}, signed with the gateway's device key. */
  static HttpResponse<String> askForCredentials() throws Exception {
    String target = ApiRouter.BASE_PATH + "/gateway/openadr/credentials";
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Instant sentAt = h.clock.instant();
    byte[] signature =
        gateway.key.signDer(DeviceRequestSigning.digest("POST", target, nonce, sentAt, body));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + target))
            .header("Content-Type", "application/json")
            .header(DeviceRequestSigning.DEVICE_KEY_HEADER, gateway.key.publicKey().hex())
            .header(DeviceRequestSigning.NONCE_HEADER, HexFormat.of().formatHex(nonce))
            .header(DeviceRequestSigning.SENT_AT_HEADER, sentAt.toString())
            .header(DeviceRequestSigning.SIGNATURE_HEADER, HexFormat.of().formatHex(signature))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOperatorIssuesBusinessLogicCredentialsShownOnce() throws Exception {
    JsonObject issued =
        ApiClient.check(
                h.post("/openadr/clients", operator, new JsonObject().put("label", "DSO")), 201)
            .bodyAsJsonObject();
    assertThat(issued.getString("scopes")).contains("write_programs", "write_events");
    String vtnUrl = issued.getString("vtnUrl");
    assertThat(vtnUrl).isEqualTo("http://127.0.0.1:" + h.port() + VtnContract.BASE_PATH);
    Program p =
        new ProgramsApi(client(vtnUrl, token(vtnUrl, issued)))
            .createProgram(new ProgramRequest().programName("dso-flex"));
    assertThat(p.getProgramName()).isEqualTo("dso-flex");
    // stored hashed: the secret is nowhere in the database
    String stored = h.db.dsl().fetch("select * from openadr_client").formatCSV();
    assertThat(stored).doesNotContain(issued.getString("clientSecret"));

    assertThat(
            h.post("/openadr/clients", home.token(), new JsonObject().put("label", "x"))
                .statusCode())
        .isEqualTo(403);
    assertThat(h.post("/openadr/clients", operator, new JsonObject()).statusCode()).isEqualTo(400);
  }

  @Test
  void aGatewayGetsItsVenCredentialsAndReadsTheEventsTargetedAtIt() throws Exception {
    HttpResponse<String> first = askForCredentials();
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonObject credentials = new JsonObject(first.body());
    String venName = Long.toString(gateway.deviceId);
    assertThat(credentials.getString("venName")).isEqualTo(venName);
    String vtnUrl = credentials.getString("vtnUrl");
    String venToken = token(vtnUrl, credentials);

    // the same device keeps its client id; the new secret replaces the old one
    JsonObject again = new JsonObject(askForCredentials().body());
    assertThat(again.getString("clientId")).isEqualTo(credentials.getString("clientId"));
    assertThat(again.getString("clientSecret")).isNotEqualTo(credentials.getString("clientSecret"));
    org.junit.jupiter.api.Assertions.assertThrows(
        ApiException.class, () -> token(vtnUrl, credentials));
    venToken = token(vtnUrl, again);

    // the platform registered its ven, targeted at the device id and the zone
    JsonObject bl =
        h.post("/openadr/clients", operator, new JsonObject().put("label", "DSO 2"))
            .bodyAsJsonObject();
    org.openadr.oadr3.client.ApiClient blClient = client(vtnUrl, token(vtnUrl, bl));
    List<Ven> vens = new VensApi(blClient).searchVens(venName, null, null, null);
    assertThat(vens).hasSize(1);
    assertThat(vens.get(0).getClientID()).isEqualTo(credentials.getString("clientId"));
    assertThat(vens.get(0).getTargets()).containsExactly(venName, "DE-CRED");

    Program p =
        new ProgramsApi(blClient).createProgram(new ProgramRequest().programName("gw-flex"));
    Event mine = new EventsApi(blClient).createEvent(setpoint(p.getId(), venName));
    Event other = new EventsApi(blClient).createEvent(setpoint(p.getId(), "someone-else"));
    List<Event> seen =
        new EventsApi(client(vtnUrl, venToken))
            .searchAllEvents(null, List.of(venName), null, null, null);
    assertThat(seen)
        .extracting(Event::getId)
        .containsExactly(mine.getId())
        .doesNotContain(other.getId());

    // an unsigned request is refused: the signature headers are required
    HttpResponse<String> unsigned =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + h.port()
                                + ApiRouter.BASE_PATH
                                + "/gateway/openadr/credentials"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(unsigned.body()).contains("X-PeerWatt");
  }

  static EventRequest setpoint(String programId, String venName) {
    return new EventRequest()
        .programID(programId)
        .targets(List.of(venName))
        .intervalPeriod(
            new IntervalPeriod()
                .start(OffsetDateTime.parse("2026-12-06T17:00:00Z"))
                .duration("PT15M"))
        .addIntervalsItem(
            new Interval()
                .id(0)
                .addPayloadsItem(
                    new ValuesMap()
                        .type("DISPATCH_SETPOINT_RELATIVE")
                        .addValuesItem(new ValuesMapValuesInner(new BigDecimal("-1.5")))));
  }
}
