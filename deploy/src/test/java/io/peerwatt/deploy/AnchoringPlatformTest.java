package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.anchor.ProofRoutes;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anchoring end to end on a running platform: a device enrols and uploads a signed reading over HTTP,
 * its slot is anchored from the database on devnet and mined, its owner fetches the proof bundle over
 * the API and {@code peerwatt verify} checks it against the platform's headers endpoint and key.
 */
class AnchoringPlatformTest {
  private static Vertx clientVertx;
  private static WebClient client;

  @BeforeAll
  static void client() {
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx);
  }

  @AfterAll
  static void closeClient() {
    Platform.await(clientVertx.close());
  }

  private static HttpResponse<Buffer> post(Platform p, String path, String token, JsonObject body) {
    var req = client.post(p.port(), "127.0.0.1", "/api/v1" + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return Platform.await(req.sendJsonObject(body));
  }

  private static HttpResponse<Buffer> put(Platform p, String path, String token, JsonObject body) {
    return Platform.await(client.put(p.port(), "127.0.0.1", "/api/v1" + path).bearerTokenAuthentication(token).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> get(Platform p, String path, String token) {
    var req = client.get(p.port(), "127.0.0.1", "/api/v1" + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return Platform.await(req.send());
  }

  private static String login(Platform p, String user, String password) {
    HttpResponse<Buffer> r = post(p, "/auth/login", null, new JsonObject().put("username", user).put("password", password));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("token");
  }

  @Test
  void aReadingUploadedOverHttpIsAnchoredMinedAndVerifiedFromItsBundle(@TempDir Path dataDir) throws Exception {
    Path passwordFile = dataDir.resolve("operator.pw");
    Files.writeString(passwordFile, "correct horse battery staple\n");
    assertThat(PeerwattCommand.run("admin", "create-operator", "--username", "ops",
        "--password-file", passwordFile.toString(), "--data-dir", dataDir.toString())).isZero();

    PlatformSettings settings = PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", "0", "data-dir", dataDir.toString())));
    try (Platform platform = Platform.start(settings)) {
      assertThat(Files.exists(dataDir.resolve("keys").resolve("platform-signing.key"))).isTrue();
      String ops = login(platform, "ops", "correct horse battery staple");
      assertThat(put(platform, "/zones/NL-A", ops, new JsonObject().put("name", "Utrecht").put("currency", "EUR")
          .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CONTINUOUS").put("gateClosureLeadSeconds", 900)
          .put("gridFeePerKwh", 0).put("imbalancePricePerKwh", 30000).put("negativePricesAllowed", true)
          .put("localTimeZone", "Europe/Amsterdam").put("minQuantityWh", 1).put("maxQuantityWh", 100000)
          .put("minPricePerKwh", -100000).put("maxPricePerKwh", 100000)).statusCode()).isEqualTo(200);
      assertThat(post(platform, "/accounts", ops, new JsonObject().put("username", "anna").put("password", "anna-password-1")
          .put("role", "prosumer").put("zone", "NL-A")).statusCode()).isEqualTo(201);
      String anna = login(platform, "anna", "anna-password-1");
      long mp = post(platform, "/metering-points", anna, new JsonObject().put("label", "roof").put("maxPowerW", 11000))
          .bodyAsJsonObject().getLong("id");
      String code = post(platform, "/metering-points/" + mp + "/enrolment-codes", anna, new JsonObject())
          .bodyAsJsonObject().getString("code");

      PrivateKey device = PrivateKey.generate(new SecureRandom());
      byte[] nonce = new byte[16];
      // the gateway's own enrolment bytes: the platform must accept exactly what gateways sign
      byte[] enrolDigest = BatchAndEnrolmentSigning.enrolmentDigest(code, device.publicKey().compressedBytes(), nonce, List.of("SN-1"));
      HttpResponse<Buffer> enrolled = post(platform, "/devices/enroll", null, new JsonObject().put("code", code)
          .put("deviceKey", device.publicKey().hex()).put("meterSerials", new JsonArray().add("SN-1"))
          .put("nonce", HexFormat.of().formatHex(nonce))
          .put("signature", HexFormat.of().formatHex(device.signDer(enrolDigest))));
      assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(201);
      assertThat(enrolled.bodyAsJsonObject().getJsonObject("certificate").getString("zoneCode")).isEqualTo("NL-A");

      Thread.sleep(1_100); // the reading must be taken after the certificate became valid (whole seconds)
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      SignedReading reading = SignedReading.sign(new MeterReading(MeterReading.VERSION_1, device.publicKey(), 0, 1,
          now.minusMillis(1), 100, 0, -2500, 230_000, EnumSet.noneOf(io.peerwatt.protocol.reading.ReadingFlag.class),
          MeterReading.noPrevious()), device);
      byte[] batchDigest = BatchAndEnrolmentSigning.batchDigest(nonce, now, List.of(reading.hash()));
      JsonObject upload = new JsonObject().put("deviceKey", device.publicKey().hex())
          .put("batchNonce", HexFormat.of().formatHex(nonce)).put("sentAt", now.toString())
          .put("readings", new JsonArray().add(new JsonObject(Json.write(reading.toJson()))))
          .put("signature", HexFormat.of().formatHex(device.signDer(batchDigest)));
      HttpResponse<Buffer> answer = post(platform, "/readings", null, upload);
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
      long deviceId = enrolled.bodyAsJsonObject().getLong("deviceId");

      // the platform's own devnet (one chain per database); its headers endpoint serves the same chain
      DevnetBackend devnet = (DevnetBackend) platform.settlement().chain();
      HubWallet wallet = new HubWallet(PrivateKey.generate(new SecureRandom()), devnet, new InMemoryWalletStore(),
          new InMemoryTransactionLog());
      wallet.receive(Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()), false, List.of(), "faucet");
      JdbcAnchorSource source = new JdbcAnchorSource(platform.database().dsl(), Duration.ofDays(1), SettlementPolicy.defaults().graceWindow());
      AnchoringService anchoring = new AnchoringService(source, new JdbcAnchorStore(platform.database().dsl()), wallet,
          devnet, ProofRoutes.readPlatformKey(dataDir), new SecureRandom());
      String ref = ItemRef.reading(deviceId, 0, 1);
      assertThat(get(platform, "/proofs/readings/" + deviceId + "/0/1", anna).statusCode()).isEqualTo(404);
      String interval = DeliverySlot.containing(now.minusMillis(1)).toString();
      AnchorSource.Slot slot = new AnchorSource.Slot("NL-A", interval);
      assertThat(source.items(slot)).extracting(i -> i.ref()).containsExactly(ref);
      AnchorOutcome outcome = anchoring.anchor("slot:NL-A:" + interval, interval, source.items(slot), now);
      assertThat(outcome.status()).as(outcome.detail()).isEqualTo(AnchorOutcome.Status.ANCHORED);
      HttpResponse<Buffer> notMined = get(platform, "/proofs/readings/" + deviceId + "/0/1", anna);
      assertThat(notMined.statusCode()).isEqualTo(409);
      devnet.mineBlocks(2);
      assertThat(anchoring.confirmAnchors()).isEqualTo(1);

      HttpResponse<Buffer> proof = get(platform, "/proofs/readings/" + deviceId + "/0/1", anna);
      assertThat(proof.statusCode()).as(proof.bodyAsString()).isEqualTo(200);
      assertThat(proof.bodyAsJsonObject().getString("kind")).isEqualTo("reading");
      String key = get(platform, "/chain/platform-key", null).bodyAsJsonObject().getString("publicKey");
      HttpResponse<Buffer> headers = get(platform, "/chain/headers?from=0&count=10", null);
      assertThat(headers.statusCode()).as(headers.bodyAsString()).isEqualTo(200);
      assertThat(headers.bodyAsJsonObject().getJsonArray("headers")).hasSize((int) devnet.tip().height() + 1);

      Path bundleFile = Files.writeString(dataDir.resolve("bundle.json"), proof.bodyAsString());
      String headerSource = "http://127.0.0.1:" + platform.port() + "/api/v1/chain/headers";
      assertThat(PeerwattCommand.run("verify", bundleFile.toString(), "--header-source", headerSource, "--platform-key", key))
          .isZero();

      String ops2 = login(platform, "ops", "correct horse battery staple");
      HttpResponse<Buffer> report = get(platform, "/reports?zone=NL-A&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z"
          + "&format=csv", ops2);
      assertThat(report.statusCode()).as(report.bodyAsString()).isEqualTo(200);
      assertThat(report.getHeader("X-PeerWatt-Report-Sha256")).hasSize(64);
      // a year-long period is anchored like a slot: its start and length go into the anchor output
      assertThat(report.getHeader("X-PeerWatt-Anchor-Txid")).hasSize(64);
      assertThat(report.bodyAsString()).startsWith("meteringPoints,accountId,slotStart");
      assertThat(get(platform, "/reports?zone=NL-A&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", anna)
          .statusCode()).isEqualTo(403);
    }
  }
}
