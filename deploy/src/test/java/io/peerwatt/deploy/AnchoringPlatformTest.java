package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anchoring end to end on a running platform: a device enrols and uploads a signed reading over
 * HTTP, its slot is anchored from the database on devnet and mined, its owner fetches the proof
 * bundle over the API and {@code peerwatt verify} checks it against the platform's headers endpoint
 * and key.
 */
class AnchoringPlatformTest {

  @Test
  void aReadingUploadedOverHttpIsAnchoredMinedAndVerifiedFromItsBundle(@TempDir Path dataDir)
      throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      Platform platform = h.platform;
      ApiClient api = h.api;
      assertThat(Files.exists(dataDir.resolve("keys").resolve("platform-signing.key"))).isTrue();
      PlatformHarness.Gateway gateway = h.annasEnrolledGateway("NL-A");
      String anna = gateway.ownerToken();
      JsonObject enrolled = gateway.enrolment();

      Thread.sleep(
          1_100); // the reading must be taken after the certificate became valid (whole seconds)
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      JsonObject upload = PlatformHarness.firstReadingBatch(gateway.key(), now.minusMillis(1), now);
      HttpResponse<Buffer> answer = api.post("/readings", null, upload);
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
      long deviceId = enrolled.getLong("deviceId");

      // the platform's own devnet (one chain per database); its headers endpoint serves the same
      // chain
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
      String ref = ItemRef.reading(deviceId, 0, 1);
      assertThat(api.get("/proofs/readings/" + deviceId + "/0/1", anna).statusCode())
          .isEqualTo(404);
      String interval = DeliverySlot.containing(now.minusMillis(1)).toString();
      AnchorSource.Slot slot = new AnchorSource.Slot("NL-A", interval);
      assertThat(source.items(slot)).extracting(i -> i.ref()).containsExactly(ref);
      AnchorOutcome outcome =
          anchoring.anchor("slot:NL-A:" + interval, interval, source.items(slot), now);
      assertThat(outcome.status()).as(outcome.detail()).isEqualTo(AnchorOutcome.Status.ANCHORED);
      HttpResponse<Buffer> notMined = api.get("/proofs/readings/" + deviceId + "/0/1", anna);
      assertThat(notMined.statusCode()).isEqualTo(409);
      devnet.mineBlocks(2);
      assertThat(anchoring.confirmAnchors()).isEqualTo(1);

      HttpResponse<Buffer> proof = api.get("/proofs/readings/" + deviceId + "/0/1", anna);
      assertThat(proof.statusCode()).as(proof.bodyAsString()).isEqualTo(200);
      assertThat(proof.bodyAsJsonObject().getString("kind")).isEqualTo("reading");
      String key = api.get("/chain/platform-key", null).bodyAsJsonObject().getString("publicKey");
      HttpResponse<Buffer> headers = api.get("/chain/headers?from=0&count=10", null);
      assertThat(headers.statusCode()).as(headers.bodyAsString()).isEqualTo(200);
      assertThat(headers.bodyAsJsonObject().getJsonArray("headers"))
          .hasSize((int) devnet.tip().height() + 1);

      Path bundleFile = Files.writeString(dataDir.resolve("bundle.json"), proof.bodyAsString());
      String headerSource = "http://127.0.0.1:" + platform.port() + "/api/v1/chain/headers";
      assertThat(
              PeerwattCommand.run(
                  "verify",
                  bundleFile.toString(),
                  "--header-source",
                  headerSource,
                  "--platform-key",
                  key))
          .isZero();

      String ops2 = api.login("ops", PlatformHarness.OPS_PASSWORD);
      HttpResponse<Buffer> report =
          api.get(
              "/reports?zone=NL-A&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z"
                  + "&format=csv",
              ops2);
      assertThat(report.statusCode()).as(report.bodyAsString()).isEqualTo(200);
      assertThat(report.getHeader("X-PeerWatt-Report-Sha256")).hasSize(64);
      // a year-long period is anchored like a slot: its start and length go into the anchor output
      assertThat(report.getHeader("X-PeerWatt-Anchor-Txid")).hasSize(64);
      assertThat(report.bodyAsString()).startsWith("meteringPoints,accountId,slotStart");
      assertThat(
              api.get("/reports?zone=NL-A&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", anna)
                  .statusCode())
          .isEqualTo(403);
    }
  }
}
