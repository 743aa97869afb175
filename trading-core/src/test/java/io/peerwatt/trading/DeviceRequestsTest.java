package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.device.DeviceStore;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device-signed requests (the gateways' own API): accepted only from an active enrolled device,
 * with a signature over exactly this request, within the clock skew, and once per nonce.
 */
@ExtendWith(PostgresExtension.class)
class DeviceRequestsTest {
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String alice;
  static long meteringPoint;
  static long aliceId;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    String operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    aliceId = h.prosumer(operator, "alice", "DE-TEST").id();
    alice = h.login("alice", "alice-password");
    meteringPoint = h.meteringPoint(alice, 30_000);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static SignedRequest signed(
      PrivateKey key, String method, String target, String body, Instant sentAt) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] signature =
        key.signDer(DeviceRequestSigning.digest(method, target, nonce, sentAt, bytes));
    return new SignedRequest(
        key.publicKey().hex(),
        HexFormat.of().formatHex(nonce),
        sentAt.toString(),
        HexFormat.of().formatHex(signature),
        method,
        target,
        bytes);
  }

  private static DeviceCaller authenticate(SignedRequest r) {
    return new DeviceRequests(new DeviceStore(h.db.dsl()), h.clock, SKEW).authenticate(r);
  }

  private static int status(SignedRequest r) {
    try {
      authenticate(r);
      return 200;
    } catch (ApiError e) {
      return e.status();
    }
  }

  @Test
  void anEnrolledDeviceIsTheCallerOncePerNonce() {
    TestGateway gw = new TestGateway(h.clock.instant());
    gw.enrol(h, alice, meteringPoint);
    SignedRequest r =
        signed(gw.key, "PUT", "/api/v1/gateway/wallet", "{\"a\":1}", h.clock.instant());
    DeviceCaller caller = authenticate(r);
    assertThat(caller.deviceId()).isEqualTo(gw.deviceId);
    assertThat(caller.accountId()).isEqualTo(aliceId);
    assertThat(caller.zoneCode()).isEqualTo("DE-TEST");
    assertThat(caller.meteringPointId()).isEqualTo(meteringPoint);
    assertThatThrownBy(() -> authenticate(r))
        .isInstanceOf(ApiError.class)
        .satisfies(e -> assertThat(((ApiError) e).code()).isEqualTo("REPLAYED_REQUEST"));
  }

  @Test
  void aSignatureCoversMethodTargetBodyAndTime() {
    TestGateway gw = new TestGateway(h.clock.instant());
    gw.enrol(h, alice, meteringPoint);
    Instant now = h.clock.instant();
    SignedRequest good = signed(gw.key, "POST", "/api/v1/gateway/faucet", "{\"satoshis\":5}", now);
    assertThat(
            status(
                new SignedRequest(
                    good.deviceKeyHex(),
                    good.nonceHex(),
                    good.sentAt(),
                    good.signatureHex(),
                    "PUT",
                    good.target(),
                    good.body())))
        .isEqualTo(401);
    assertThat(
            status(
                new SignedRequest(
                    good.deviceKeyHex(),
                    good.nonceHex(),
                    good.sentAt(),
                    good.signatureHex(),
                    good.method(),
                    "/api/v1/gateway/faucet?x",
                    good.body())))
        .isEqualTo(401);
    assertThat(
            status(
                new SignedRequest(
                    good.deviceKeyHex(),
                    good.nonceHex(),
                    good.sentAt(),
                    good.signatureHex(),
                    good.method(),
                    good.target(),
                    "{\"satoshis\":6}".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(401);
    assertThat(
            status(
                new SignedRequest(
                    good.deviceKeyHex(),
                    good.nonceHex(),
                    now.plusMillis(1).toString(),
                    good.signatureHex(),
                    good.method(),
                    good.target(),
                    good.body())))
        .isEqualTo(401);
    assertThat(status(good)).as("refusals above consumed no nonce").isEqualTo(200);
  }

  @Test
  void staleUnknownRevokedAndUnsignedRequestsAreRefused() {
    TestGateway gw = new TestGateway(h.clock.instant());
    gw.enrol(h, alice, meteringPoint);
    Instant now = h.clock.instant();
    assertThat(
            status(
                signed(
                    gw.key, "GET", "/api/v1/gateway/wallet", "", now.minus(SKEW).minusSeconds(1))))
        .isEqualTo(400);
    assertThat(
            status(
                signed(gw.key, "GET", "/api/v1/gateway/wallet", "", now.plus(SKEW).plusSeconds(1))))
        .isEqualTo(400);
    PrivateKey stranger = PrivateKey.generate(RANDOM);
    assertThat(status(signed(stranger, "GET", "/api/v1/gateway/wallet", "", now))).isEqualTo(401);
    SignedRequest unsigned = signed(gw.key, "GET", "/api/v1/gateway/wallet", "", now);
    assertThat(
            status(
                new SignedRequest(
                    unsigned.deviceKeyHex(),
                    unsigned.nonceHex(),
                    unsigned.sentAt(),
                    null,
                    unsigned.method(),
                    unsigned.target(),
                    unsigned.body())))
        .isEqualTo(401);
    assertThat(
            status(
                new SignedRequest(
                    unsigned.deviceKeyHex(),
                    "zz",
                    unsigned.sentAt(),
                    unsigned.signatureHex(),
                    unsigned.method(),
                    unsigned.target(),
                    unsigned.body())))
        .isEqualTo(400);
    assertThat(h.post("/devices/" + gw.deviceId + "/revoke", alice, null).statusCode())
        .isEqualTo(200);
    assertThat(status(signed(gw.key, "GET", "/api/v1/gateway/wallet", "", now))).isEqualTo(401);
  }
}
