package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.deploy.demo.AcceleratedClock;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.BundleVerification;
import io.peerwatt.protocol.anchor.BundleVerification.Status;
import io.peerwatt.protocol.anchor.BundleVerification.Step;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrolment anchoring end to end on a running platform whose time runs 60x: a gateway enrols over
 * the enrolment API, the platform's own settlement pass anchors its certificate once the
 * quarter-hour of issue is over, devnet mines it, the owner fetches {@code
 * /api/v1/proofs/enrolments/{id}} and the bundle verifies against the platform's devnet headers (a
 * tampered copy does not); a key rotation's certificate is anchored in its own quarter-hour and the
 * older one stays provable.
 */
class EnrolmentAnchoringPlatformTest {
  private static final String ZONE = "NL-E";

  /** Real time to wait for a quarter-hour (15 s at 60x) and its grace, a pass and a block. */
  private static final Duration ANCHORED_WITHIN = Duration.ofSeconds(120);

  /**
   * Enrols {@code device} at metering point {@code mp} the way the gateway does; returns the API's
   * answer.
   */
  private static JsonObject enrol(ApiClient api, String owner, long mp, PrivateKey device) {
    String code =
        ok(api.post("/metering-points/" + mp + "/enrolment-codes", owner, new JsonObject()))
            .getString("code");
    byte[] nonce = new byte[16];
    new SecureRandom().nextBytes(nonce);
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(
            code, device.publicKey().compressedBytes(), nonce, List.of("SN-7"));
    return ok(
        api.post(
            "/devices/enroll",
            null,
            new JsonObject()
                .put("code", code)
                .put("deviceKey", device.publicKey().hex())
                .put("meterSerials", new JsonArray().add("SN-7"))
                .put("nonce", HexFormat.of().formatHex(nonce))
                .put("signature", HexFormat.of().formatHex(device.signDer(digest)))));
  }

  /**
   * Waits, when needed, for the next quarter-hour, so that an enrolment made now is at least ten
   * simulated minutes (ten real seconds) away from being anchored while the test asks before that.
   */
  private static void earlyInAQuarterHour(AcceleratedClock clock) throws InterruptedException {
    Instant now = clock.instant();
    Duration left = Duration.between(now, DeliverySlot.containing(now).end());
    if (left.compareTo(Duration.ofMinutes(10)) < 0) {
      Thread.sleep(left.toMillis() / clock.speed() + 100);
    }
  }

  /** Asks {@code path} until {@code done} holds for the answer. */
  private static HttpResponse<Buffer> until(
      ApiClient api, String path, String token, Predicate<HttpResponse<Buffer>> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(ANCHORED_WITHIN);
    while (true) {
      HttpResponse<Buffer> r = api.get(path, token);
      if (done.test(r)) {
        return r;
      }
      assertThat(Instant.now())
          .as("waiting for %s, last answer %d %s", path, r.statusCode(), r.bodyAsString())
          .isBefore(deadline);
      Thread.sleep(250);
    }
  }

  private static long serialOf(HttpResponse<Buffer> bundle) {
    return SignedDeviceCertificate.decode(
            HexFormat.of().parseHex(bundle.bodyAsJsonObject().getString("item")))
        .certificate()
        .serial();
  }

  /** The verifier's trust: the platform key and the headers, as the public endpoints serve them. */
  private static ProofBundleVerifier.Trust trust(ApiClient api) {
    String key = ok(api.get("/chain/platform-key", null)).getString("publicKey");
    List<BlockHeader> headers = new ArrayList<>();
    for (Object h : ok(api.get("/chain/headers?from=0&count=2000", null)).getJsonArray("headers")) {
      headers.add(BlockHeader.parseHex(((JsonObject) h).getString("header")));
    }
    return new ProofBundleVerifier.Trust(PublicKey.fromHex(key), new HeaderChain(0, headers));
  }

  @Test
  void anEnrolmentIsAnchoredByThePlatformPassMinedAndVerifiedFromItsBundle(@TempDir Path dataDir)
      throws Exception {
    AcceleratedClock clock =
        new AcceleratedClock(
            LocalDate.now(ZoneOffset.UTC).atTime(10, 0).toInstant(ZoneOffset.UTC), 60);
    PlatformSettings base =
        PlatformHarness.settings(dataDir, "auth.token-lifetime-minutes", "10080");
    PlatformSettings settings =
        base.withSettlement(
            base.settlement().withIntervals(Duration.ofSeconds(1), Duration.ofMillis(300)));
    try (PlatformHarness h = PlatformHarness.start(settings, clock)) {
      Platform platform = h.platform;
      ApiClient api = h.api;
      String ops = h.operator("ops", "ops-password-1");
      api.zone(ops, ZONE, PlatformHarness.utrechtZone());
      for (String[] a :
          new String[][] {{"anna", "prosumer"}, {"bob", "prosumer"}, {"gridco", "utility"}}) {
        ok(
            api.post(
                "/accounts",
                ops,
                new JsonObject()
                    .put("username", a[0])
                    .put("password", a[0] + "-password-1")
                    .put("role", a[1])
                    .put("zone", ZONE)));
      }
      String anna = api.login("anna", "anna-password-1");
      String bob = api.login("bob", "bob-password-1");
      String gridco = api.login("gridco", "gridco-password-1");
      long mp =
          ok(api.post(
                  "/metering-points",
                  anna,
                  new JsonObject().put("label", "roof").put("maxPowerW", 11000)))
              .getLong("id");

      PrivateKey firstKey = PrivateKey.generate(new SecureRandom());
      earlyInAQuarterHour(clock);
      JsonObject first = enrol(api, anna, mp, firstKey);
      long firstId = first.getLong("deviceId");
      long firstSerial = first.getJsonObject("certificate").getLong("serial");
      String firstPath = "/proofs/enrolments/" + firstId;
      HttpResponse<Buffer> early = api.get(firstPath, anna);
      assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(404);
      assertThat(early.bodyAsJsonObject().getString("error")).isEqualTo("NOT_ANCHORED");
      assertThat(api.get(firstPath, bob).statusCode()).isEqualTo(404);

      // the platform's own pass anchors it once its quarter-hour and grace are over; devnet mines
      // it
      HttpResponse<Buffer> proof = until(api, firstPath, anna, r -> r.statusCode() == 200);
      assertThat(proof.bodyAsJsonObject().getString("kind")).isEqualTo("enrolment");
      assertThat(proof.bodyAsJsonObject().containsKey("certificate")).isFalse();
      assertThat(serialOf(proof)).isEqualTo(firstSerial);
      ProofBundleVerifier.Trust trust = trust(api);
      BundleVerification v = ProofBundleVerifier.verifyJson(proof.bodyAsString(), trust);
      assertThat(v.verified()).as(v.toJson().toString()).isTrue();
      assertThat(v.result(Step.CERTIFICATE).detail())
          .contains("serial " + firstSerial, firstKey.publicKey().hex(), ZONE);
      String interval =
          DeliverySlot.containing(
                  Instant.parse(first.getJsonObject("certificate").getString("validFrom")))
              .toString();
      assertThat(v.result(Step.ROOT_IN_ANCHOR_TX).detail()).contains(interval);
      assertThat(api.get(firstPath, gridco).statusCode()).isEqualTo(200);
      assertThat(api.get(firstPath, ops).statusCode()).isEqualTo(200);

      // a tampered copy fails, naming the step
      JsonObject tampered = proof.bodyAsJsonObject().copy();
      String item = tampered.getString("item");
      tampered.put(
          "item",
          item.substring(0, 20) + (item.charAt(20) == '0' ? '1' : '0') + item.substring(21));
      BundleVerification t = ProofBundleVerifier.verifyJson(tampered.encode(), trust);
      assertThat(t.verified()).isFalse();
      assertThat(t.result(Step.CERTIFICATE).status()).isEqualTo(Status.FAIL);
      assertThat(t.result(Step.ROOT_IN_ANCHOR_TX).status()).isEqualTo(Status.FAIL);

      // peerwatt verify checks the served bundle against the platform's headers endpoint
      Path bundleFile = Files.writeString(dataDir.resolve("enrolment.json"), proof.bodyAsString());
      assertThat(
              PeerwattCommand.run(
                  "verify",
                  bundleFile.toString(),
                  "--header-source",
                  platform.baseUrl() + "/api/v1/chain/headers",
                  "--platform-key",
                  trust.platformKey().hex()))
          .isZero();

      // key rotation: a new device with a new certificate; until that is anchored the newest
      // anchored
      // certificate of the installation is the first one
      PrivateKey secondKey = PrivateKey.generate(new SecureRandom());
      earlyInAQuarterHour(clock);
      JsonObject second = enrol(api, anna, mp, secondKey);
      long secondId = second.getLong("deviceId");
      long secondSerial = second.getJsonObject("certificate").getLong("serial");
      String secondPath = "/proofs/enrolments/" + secondId;
      HttpResponse<Buffer> beforeRotationAnchored = api.get(secondPath, anna);
      assertThat(beforeRotationAnchored.statusCode())
          .as(beforeRotationAnchored.bodyAsString())
          .isEqualTo(200);
      assertThat(serialOf(beforeRotationAnchored)).isEqualTo(firstSerial);
      assertThat(
              api.get(secondPath + "?serial=" + secondSerial, anna)
                  .bodyAsJsonObject()
                  .getString("error"))
          .isEqualTo("NOT_ANCHORED");
      assertThat(
              api.get(firstPath + "?serial=" + secondSerial, anna)
                  .bodyAsJsonObject()
                  .getString("error"))
          .isEqualTo("NOT_FOUND");

      HttpResponse<Buffer> rotated =
          until(api, secondPath, anna, r -> r.statusCode() == 200 && serialOf(r) == secondSerial);
      assertThat(ProofBundleVerifier.verifyJson(rotated.bodyAsString(), trust(api)).verified())
          .isTrue();
      HttpResponse<Buffer> older = api.get(secondPath + "?serial=" + firstSerial, anna);
      assertThat(older.statusCode()).isEqualTo(200);
      assertThat(older.bodyAsString()).isEqualTo(proof.bodyAsString());

      // each certificate anchored once, in the anchor of its quarter-hour of issue
      String secondInterval =
          DeliverySlot.containing(
                  Instant.parse(second.getJsonObject("certificate").getString("validFrom")))
              .toString();
      List<String> anchors =
          platform
              .database()
              .dsl()
              .fetch(
                  "select anchor_key || ' ' || leaf_count from anchor"
                      + " where anchor_key like 'enrolments:%' order by anchor_key")
              .getValues(0, String.class);
      assertThat(anchors)
          .containsExactly("enrolments:" + interval + " 1", "enrolments:" + secondInterval + " 1");
    }
  }
}
