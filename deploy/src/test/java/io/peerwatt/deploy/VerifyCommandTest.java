package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.settlement.anchor.AnchorItem;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.InMemoryAnchorStore;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerwatt verify} on a trade bundle and an enrolment bundle anchored and mined on an
 * in-memory devnet.
 */
class VerifyCommandTest {
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("verify test platform".getBytes()));
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static DevnetBackend devnet;
  static ProofBundle bundle;
  static ProofBundle enrolmentBundle;

  record Run(int exit, String out) {}

  @BeforeAll
  static void anchorAndMine() {
    devnet = DevnetBackend.inMemory(Clock.fixed(T0, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    PrivateKey walletKey = PrivateKey.fromBytes(Hashes.sha256("verify test wallet".getBytes()));
    HubWallet wallet =
        new HubWallet(walletKey, devnet, new InMemoryWalletStore(), new InMemoryTransactionLog());
    wallet.receive(
        Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()),
        false,
        List.of(),
        "faucet");
    AnchorSource.Slot slot = new AnchorSource.Slot("DE-V", "2026-11-25T10:00Z/PT15M");
    List<AnchorItem> items =
        List.of(
            new AnchorItem(AnchorItemKind.TRADE, "1", "trade one".getBytes()),
            new AnchorItem(AnchorItemKind.TRADE, "2", "trade two".getBytes()),
            new AnchorItem(AnchorItemKind.STATEMENT, "5/DE-V/0/1", "statement".getBytes()));
    SignedDeviceCertificate certificate =
        SignedDeviceCertificate.sign(
            new DeviceCertificate(
                1,
                7,
                PrivateKey.fromBytes(Hashes.sha256("verify test device".getBytes())).publicKey(),
                "MP-7",
                "acct-7",
                "DE-V",
                T0.plusSeconds(90),
                T0.plus(Duration.ofDays(365)),
                PLATFORM.publicKey()),
            PLATFORM);
    AnchorItem enrolment = new AnchorItem(AnchorItemKind.ENROLMENT, "7", certificate.encode());
    AnchorSource source =
        new AnchorSource() {
          @Override
          public List<Slot> closedSlots(Instant now) {
            return List.of(slot);
          }

          @Override
          public List<AnchorItem> items(Slot s) {
            return items;
          }

          @Override
          public List<IssuedCertificate> certificatesIssuedBefore(Instant issuedBefore) {
            return List.of(new IssuedCertificate(T0.plusSeconds(90), enrolment));
          }

          @Override
          public Optional<Evidence> evidence(AnchorItemKind kind, String ref) {
            return java.util.stream.Stream.concat(
                    items.stream(), java.util.stream.Stream.of(enrolment))
                .filter(i -> i.kind() == kind && i.ref().equals(ref))
                .findFirst()
                .map(i -> new Evidence(i.bytes(), null, null));
          }
        };
    AnchoringService service =
        new AnchoringService(
            source, new InMemoryAnchorStore(), wallet, devnet, PLATFORM, new SecureRandom());
    service.anchorDueSlots(T0);
    service.anchorDueEnrolments(T0.plus(Duration.ofMinutes(16)));
    devnet.mineBlocks(2);
    service.confirmAnchors();
    bundle = service.bundle(AnchorItemKind.TRADE, "2").bundle();
    enrolmentBundle = service.bundle(AnchorItemKind.ENROLMENT, "7").bundle();
  }

  static String headersJson() {
    List<Object> headers = new ArrayList<>();
    for (ChainHeader h : devnet.headers(0, 10)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("height", h.height());
      m.put("hash", h.hashHex());
      m.put("header", HexFormat.of().formatHex(h.header()));
      headers.add(m);
    }
    return Json.write(Map.of("network", "devnet", "headers", headers));
  }

  static Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      return new Run(PeerwattCommand.run(args), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void passesWithHeadersAndPlatformKeyAndPrintsEveryStep(@TempDir Path dir) throws Exception {
    Path b = Files.writeString(dir.resolve("bundle.json"), bundle.toJsonText());
    Path h = Files.writeString(dir.resolve("headers.json"), headersJson());
    Run r =
        run(
            "verify",
            b.toString(),
            "--headers",
            h.toString(),
            "--platform-key",
            PLATFORM.publicKey().hex());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains(
            "leafToAnchorRoot",
            "rootInAnchorTx",
            "txInBlock",
            "proofOfWork",
            "headerChain",
            "VERIFIED");
    Path binary = Files.write(dir.resolve("bundle.bin"), bundle.encode());
    assertThat(
            run(
                    "verify",
                    binary.toString(),
                    "--headers",
                    h.toString(),
                    "--platform-key",
                    PLATFORM.publicKey().hex())
                .exit())
        .isZero();
  }

  @Test
  void aFlippedByteFailsAndNamesTheStep(@TempDir Path dir) throws Exception {
    Path h = Files.writeString(dir.resolve("headers.json"), headersJson());
    byte[] salt = bundle.salt();
    salt[0] ^= 1;
    ProofBundle tampered =
        new ProofBundle(
            bundle.kind(),
            bundle.item(),
            bundle.signature(),
            null,
            salt,
            bundle.proof(),
            bundle.anchorTx(),
            bundle.bump(),
            bundle.headers());
    Path b = Files.writeString(dir.resolve("bundle.json"), tampered.toJsonText());
    Run r =
        run(
            "verify",
            b.toString(),
            "--headers",
            h.toString(),
            "--platform-key",
            PLATFORM.publicKey().hex());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("rootInAnchorTx\\s+fail").contains("NOT VERIFIED");
  }

  @Test
  void anEnrolmentBundlePassesEveryStepAndATamperedCertificateFailsAtTheCertificateStep(
      @TempDir Path dir) throws Exception {
    Path h = Files.writeString(dir.resolve("headers.json"), headersJson());
    Path b = Files.writeString(dir.resolve("enrolment.json"), enrolmentBundle.toJsonText());
    Run r =
        run(
            "verify",
            b.toString(),
            "--headers",
            h.toString(),
            "--platform-key",
            PLATFORM.publicKey().hex());
    assertThat(r.exit()).as(r.out()).isZero();
    for (String step :
        new String[] {
          "bundleFormat",
          "deviceSignature",
          "certificate",
          "leafToAnchorRoot",
          "rootInAnchorTx",
          "txInBlock",
          "proofOfWork",
          "headerChain"
        }) {
      assertThat(r.out()).containsPattern(step + "\\s+pass");
    }
    assertThat(r.out()).contains("certificate serial 7", "2026-11-25T10:00Z/PT15M", "VERIFIED");
    Path binary = Files.write(dir.resolve("enrolment.bin"), enrolmentBundle.encode());
    assertThat(
            run(
                    "verify",
                    binary.toString(),
                    "--headers",
                    h.toString(),
                    "--platform-key",
                    PLATFORM.publicKey().hex())
                .exit())
        .isZero();

    // the certificate's serial changed from 7 to 6: the platform's signatures no longer match it
    byte[] item = enrolmentBundle.item();
    item[12] ^= 1;
    ProofBundle tampered =
        new ProofBundle(
            AnchorItemKind.ENROLMENT,
            item,
            enrolmentBundle.signature(),
            null,
            enrolmentBundle.salt(),
            enrolmentBundle.proof(),
            enrolmentBundle.anchorTx(),
            enrolmentBundle.bump(),
            enrolmentBundle.headers());
    Path t = Files.writeString(dir.resolve("tampered.json"), tampered.toJsonText());
    Run failed =
        run(
            "verify",
            t.toString(),
            "--headers",
            h.toString(),
            "--platform-key",
            PLATFORM.publicKey().hex());
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out())
        .containsPattern("certificate\\s+fail\\s+certificate: BAD_SIGNATURE")
        .containsPattern("rootInAnchorTx\\s+fail")
        .contains("NOT VERIFIED");
  }

  @Test
  void withoutTrustAnchorsItIsNotVerified(@TempDir Path dir) throws Exception {
    Path b = Files.writeString(dir.resolve("bundle.json"), bundle.toJsonText());
    Run r = run("verify", b.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("headerChain\\s+notChecked");
  }

  @Test
  void asksAHeaderSource(@TempDir Path dir) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> queries = new ArrayList<>();
    server.createContext(
        "/api/v1/chain/headers",
        ex -> {
          queries.add(ex.getRequestURI().getQuery());
          byte[] body = headersJson().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      Path b = Files.writeString(dir.resolve("bundle.json"), bundle.toJsonText());
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/chain/headers";
      Run r =
          run(
              "verify",
              b.toString(),
              "--header-source",
              url,
              "--platform-key",
              PLATFORM.publicKey().hex());
      assertThat(r.exit()).as(r.out()).isZero();
      assertThat(queries).singleElement().asString().startsWith("from=0&count=");
    } finally {
      server.stop(0);
    }
  }
}
