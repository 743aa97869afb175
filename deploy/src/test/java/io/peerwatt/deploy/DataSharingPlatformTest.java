package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.anchor.AnchorItem;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.report.EspiSchema;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's "done when": an OAuth 2 client that is not ours, Debian's python3-authlib, runs the
 * code flow with PKCE against the real platform (the script also plays the household's browser:
 * portal login and consent over HTTP), fetches the granted hourly readings, a day of them as a
 * Green Button ESPI feed that the NAESB schema accepts, and a boundary reading's proof bundle,
 * which {@code peerwatt verify} accepts; once the household revokes the grant the same access token
 * is refused with 403 on the very next request. The household reads the grant's access log, and the
 * grant and its revocation, anchored, verify as consent bundles.
 */
class DataSharingPlatformTest {
  static final String PYTHON = "/usr/bin/python3";

  @Test
  void anExternalClientGetsGrantedDataWithProofsUntilTheGrantIsRevoked(@TempDir Path dataDir)
      throws Exception {
    boolean authlib = authlibInstalled();
    if (!authlib) {
      System.out.println(
          "DataSharingPlatformTest skipped: install Debian's python3-authlib (apt-get install"
              + " python3-authlib)");
    }
    Assumptions.assumeTrue(authlib, "python3-authlib is not installed");
    PlatformHarness.createOperatorByCommand(dataDir);
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      Platform platform = h.platform;
      ApiClient api = h.api;
      PlatformHarness.Gateway gateway = h.annasEnrolledGateway("NL-S");
      String anna = gateway.ownerToken();
      // the reading must be taken after the certificate became valid (whole seconds)
      Thread.sleep(1_100);
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ApiClient.check(
          api.post(
              "/readings",
              null,
              PlatformHarness.firstReadingBatch(gateway.key(), now.minusMillis(1), now)),
          200);
      anchorAndMine(platform, now.minusMillis(1));

      String ops = api.login("ops", PlatformHarness.OPS_PASSWORD);
      ApiClient.check(
          api.post(
              "/accounts",
              ops,
              new JsonObject()
                  .put("username", "institute")
                  .put("password", "institute-password")
                  .put("role", "third_party")),
          201);
      String institute = api.login("institute", "institute-password");
      JsonObject app =
          ApiClient.ok(
              api.post(
                  "/data/applications",
                  institute,
                  new JsonObject()
                      .put("name", "Institute for Load Research")
                      .put("purpose", "hourly load profiles of homes")
                      .put("redirectUris", new JsonArray().add("http://127.0.0.1:9/callback"))
                      .put("contact", "data@research.example")));
      ApiClient.check(
          api.post(
              "/data/applications/" + app.getLong("id") + "/decision",
              ops,
              new JsonObject().put("decision", "APPROVED")),
          200);
      Instant today = now.truncatedTo(ChronoUnit.DAYS);
      long offerId =
          ApiClient.ok(
                  api.post(
                      "/data/offers",
                      institute,
                      new JsonObject()
                          .put("applicationId", app.getLong("id"))
                          .put("resolution", "hourly")
                          .put("importData", true)
                          .put("exportData", true)
                          .put("statements", false)
                          .put("periodFrom", today.minus(Duration.ofDays(1)).toString())
                          .put("periodTo", today.plus(Duration.ofDays(2)).toString())
                          .put("accessDays", 30)
                          .put("priceMilliCtPerHomeDay", 2_000)
                          .put("purpose", "hourly load profiles")))
              .getLong("id");

      Path script = dataDir.resolve("authlib_third_party.py");
      try (InputStream in = getClass().getResourceAsStream("/oauth/authlib_third_party.py")) {
        Files.copy(in, script);
      }
      Path bundle = dataDir.resolve("shared-bundle.json");
      Path espi = dataDir.resolve("shared-espi.xml");
      String base = "http://127.0.0.1:" + platform.port();
      Process client =
          new ProcessBuilder(
                  PYTHON,
                  script.toString(),
                  base,
                  app.getString("clientId"),
                  Long.toString(offerId),
                  bundle.toString(),
                  espi.toString())
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder printed = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("WAITING")) {
        printed.append(line).append('\n');
      }
      assertThat(line).as(printed.toString()).isEqualTo("WAITING");
      assertThat(printed.toString()).contains("token scope: readings:hourly import export");

      byte[] feed = Files.readAllBytes(espi);
      assertThat(EspiSchema.errors(feed)).isEmpty();
      assertThat(new String(feed, StandardCharsets.UTF_8))
          .contains("<espi:intervalLength>3600</espi:intervalLength>")
          .contains("<espi:flowDirection>1</espi:flowDirection>")
          .contains("<espi:flowDirection>19</espi:flowDirection>")
          .doesNotContain("UsageSummary");

      JsonObject proof = new JsonObject(Files.readString(bundle));
      assertThat(proof.getString("kind")).isEqualTo("reading");
      String key = api.get("/chain/platform-key", null).bodyAsJsonObject().getString("publicKey");
      assertThat(
              PeerwattCommand.run(
                  "verify",
                  bundle.toString(),
                  "--header-source",
                  base + "/api/v1/chain/headers",
                  "--platform-key",
                  key))
          .isZero();

      JsonObject grant =
          ApiClient.ok(api.get("/data/grants", anna)).getJsonArray("grants").getJsonObject(0);
      assertThat(grant.getString("state")).isEqualTo("ACTIVE");
      ApiClient.check(api.post("/data/grants/" + grant.getLong("id") + "/revoke", anna, null), 200);
      try (OutputStream in = client.getOutputStream()) {
        in.write("revoked\n".getBytes(StandardCharsets.UTF_8));
      }
      while ((line = out.readLine()) != null) {
        printed.append(line).append('\n');
      }
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).as(printed.toString()).isZero();
      assertThat(printed.toString()).contains("OK: revoked grant refused with 403");
      System.out.print(printed);

      // the household reads what the third party fetched: the readings of the grant's 3 days, one
      // day of them as ESPI, a proof
      JsonArray accesses =
          ApiClient.ok(api.get("/data/grants/" + grant.getLong("id") + "/accesses", anna))
              .getJsonArray("accesses");
      assertThat(accesses.stream().map(a -> ((JsonObject) a).getString("kind")))
          .containsExactlyInAnyOrder("proof", "readings", "espi");
      assertThat(
              accesses.stream()
                  .map(a -> (JsonObject) a)
                  .filter(a -> a.getString("kind").equals("readings"))
                  .findFirst()
                  .orElseThrow()
                  .getInteger("days"))
          .isEqualTo(3);

      // the days fetched are charged once each at the next settlement pass: the household's data
      // income and the institute's payments name the grant (paid once its slot is settled)
      JsonObject income = ApiClient.ok(api.get("/data/income", anna));
      for (int i = 0; i < 120 && income.getJsonArray("grants").isEmpty(); i++) {
        Thread.sleep(500);
        income = ApiClient.ok(api.get("/data/income", anna));
      }
      JsonObject sold = income.getJsonArray("grants").getJsonObject(0);
      assertThat(sold.getLong("grantId")).isEqualTo(grant.getLong("id"));
      assertThat(sold.getLong("days")).isEqualTo(3);
      assertThat(sold.getLong("grossMilliCt")).isEqualTo(6_000);
      assertThat(sold.getLong("feeMilliCt")).isEqualTo(600);
      assertThat(sold.getLong("netMilliCt")).isEqualTo(5_400);
      assertThat(sold.getBoolean("reconciled")).isTrue();
      JsonObject bought =
          ApiClient.ok(api.get("/data/payments", institute))
              .getJsonArray("grants")
              .getJsonObject(0);
      assertThat(bought.getLong("grantId")).isEqualTo(grant.getLong("id"));
      assertThat(bought.getLong("grossMilliCt")).isEqualTo(6_000);
      assertThat(bought.containsKey("householdAccountId")).isFalse();
      assertThat(api.get("/data/payments", anna).statusCode()).isEqualTo(403);
      assertThat(api.get("/data/income", institute).statusCode()).isEqualTo(403);

      // consent on record: the grant and its revocation are anchored with the zone's slot
      JsonObject revoked =
          ApiClient.ok(api.get("/data/grants", anna)).getJsonArray("grants").getJsonObject(0);
      Instant granted = Instant.parse(revoked.getString("createdAt"));
      Instant revokedAt = Instant.parse(revoked.getString("revokedAt"));
      anchorConsents(platform, granted);
      if (!DeliverySlot.containing(granted).equals(DeliverySlot.containing(revokedAt))) {
        anchorConsents(platform, revokedAt);
      }
      for (String event : List.of("granted", "revoked")) {
        HttpResponse<Buffer> consent =
            api.get("/proofs/consents/" + grant.getLong("id") + "/" + event, anna);
        assertThat(consent.statusCode()).as(consent.bodyAsString()).isEqualTo(200);
        assertThat(consent.bodyAsJsonObject().getString("kind")).isEqualTo("consent");
        Path consentBundle =
            Files.writeString(
                dataDir.resolve("consent-" + event + ".json"), consent.bodyAsString());
        assertThat(
                PeerwattCommand.run(
                    "verify",
                    consentBundle.toString(),
                    "--header-source",
                    base + "/api/v1/chain/headers",
                    "--platform-key",
                    key))
            .isZero();
      }
      assertThat(api.get("/proofs/consents/" + grant.getLong("id") + "/granted", ops).statusCode())
          .isEqualTo(200);

      // the portal's "Share my data" page shows the grant, revoked, and what was fetched
      java.net.http.HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/share"))
                      .header("cookie", "pw_session=" + anna)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains("Institute for Load Research: revoked")
          .contains("Fetched</dt><dd>3 times, 4 days of data")
          .contains("Paid</dt><dd>3 days: ")
          .contains("Data income")
          .contains("Offer of Institute for Load Research");

      // the institute's data console shows what it was charged and paid for the grant
      java.net.http.HttpResponse<String> console =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/third-party"))
                      .header("cookie", "pw_session=" + institute)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(console.statusCode()).isEqualTo(200);
      assertThat(console.body()).contains("for 3 days, ").contains(" paid").doesNotContain(" due<");
    }
  }

  /**
   * Anchors the data-sharing consents of the slot containing {@code at} (only those: its reading is
   * anchored already) and mines them.
   */
  static void anchorConsents(Platform platform, Instant at) {
    String interval = DeliverySlot.containing(at).toString();
    anchor(
        platform,
        "consents:NL-S:" + interval,
        interval,
        source ->
            source.items(new AnchorSource.Slot("NL-S", interval)).stream()
                .filter(i -> i.kind() == AnchorItemKind.CONSENT)
                .toList(),
        at);
  }

  /**
   * Anchors the slot of a reading taken at {@code takenAt} on the platform's devnet and mines it.
   */
  static void anchorAndMine(Platform platform, Instant takenAt) {
    String interval = DeliverySlot.containing(takenAt).toString();
    anchor(
        platform,
        "slot:NL-S:" + interval,
        interval,
        source -> source.items(new AnchorSource.Slot("NL-S", interval)),
        takenAt);
  }

  /** Anchors the items {@code items} picks from the platform's anchor source, and mines them. */
  static void anchor(
      Platform platform,
      String key,
      String interval,
      Function<JdbcAnchorSource, List<AnchorItem>> items,
      Instant at) {
    DevnetBackend devnet = (DevnetBackend) platform.settlement().chain();
    HubWallet wallet =
        new HubWallet(
            PrivateKey.generate(new SecureRandom()),
            devnet,
            new InMemoryWalletStore(),
            new InMemoryTransactionLog());
    wallet.receive(
        Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()),
        false,
        List.of(),
        "faucet");
    JdbcAnchorSource source =
        new JdbcAnchorSource(
            platform.database().dsl(),
            Duration.ofDays(1),
            SettlementPolicy.defaults().graceWindow());
    AnchoringService anchoring =
        new AnchoringService(
            source,
            new JdbcAnchorStore(platform.database().dsl()),
            wallet,
            devnet,
            PlatformKeys.loadOrCreate(platform.settings().trading(), new SecureRandom())
                .signingKey(),
            new SecureRandom());
    AnchorOutcome outcome = anchoring.anchor(key, interval, items.apply(source), at);
    assertThat(outcome.status()).as(outcome.detail()).isEqualTo(AnchorOutcome.Status.ANCHORED);
    devnet.mineBlocks(2);
    assertThat(anchoring.confirmAnchors()).isEqualTo(1);
  }

  static boolean authlibInstalled() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import authlib, requests").start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
