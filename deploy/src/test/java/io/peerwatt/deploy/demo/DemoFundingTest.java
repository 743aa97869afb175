package io.peerwatt.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.peerwatt.deploy.ChainSettings;
import io.peerwatt.deploy.UserError;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerwatt demo --chain node|arc} where nobody mines on demand (a testnet node, ARC on
 * mainnet): without {@code --funding-tx} the demo names its funding address and the amount and
 * starts nothing; the address stays the same from run to run.
 */
class DemoFundingTest {
  /** 4 homes, 3 of them machine to machine, channels of 0.01 BSV: about 0.12 BSV. */
  static final long FOUR_HOMES_SATS =
      RealChain.Budget.of(4, 3, RealChain.NETWORK_CHANNEL_SATS).totalSats();

  @Test
  void aDemoOnATestnetNodeRefusesToStartUnfundedNamingItsAddressAndTheAmount(@TempDir Path dir)
      throws IOException {
    HttpServer node = testnetNode();
    try {
      ChainSettings chain =
          settings(
              "node", "regtest", "http://u:p@127.0.0.1:" + node.getAddress().getPort(), null, null);
      String address = testnetAddress(dir.resolve("funding"));

      for (int run = 0; run < 2; run++) {
        assertThatThrownBy(() -> start(chain, dir))
            .isInstanceOf(UserError.class)
            .hasMessageContaining("the demo on testnet cannot mine")
            .hasMessageContaining("send " + FOUR_HOMES_SATS + " sat")
            .hasMessageContaining(" to " + address + ", the demo's funding address")
            .hasMessageContaining("--funding-tx");
      }
      assertThat(dir.resolve("data")).doesNotExist();
    } finally {
      node.stop(0);
    }
  }

  @Test
  void aDemoOnArcRefusesToStartUnfundedNamingItsMainnetAddress(@TempDir Path dir) {
    // nothing answers at these addresses: the demo refuses before it asks ARC anything
    ChainSettings chain =
        settings("arc", "mainnet", null, "http://127.0.0.1:9", "http://127.0.0.1:9");

    assertThatThrownBy(() -> start(chain, dir))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("the demo on mainnet cannot mine")
        .hasMessageContaining("send " + FOUR_HOMES_SATS + " sat")
        .hasMessageMatching("(?s).* to 1[1-9A-HJ-NP-Za-km-z]{25,33}, the demo's funding address.*");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  private static void start(ChainSettings chain, Path dir) {
    Demo.start(
        new Demo.Options(
            4,
            1,
            2,
            120,
            0,
            dir.resolve("data"),
            chain,
            new RealChain.Funding(null, dir.resolve("funding"))),
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static ChainSettings settings(
      String backend, String network, String nodeUrl, String arcUrl, String headersUrl) {
    return new ChainSettings(
        backend, network, nodeUrl, arcUrl, null, headersUrl, null, Duration.ofSeconds(5), 1, 1);
  }

  /** The testnet address of the funding key the demo keeps in {@code vaultDir}. */
  private static String testnetAddress(Path vaultDir) throws IOException {
    Files.createDirectories(vaultDir);
    return KeyVault.open(
            vaultDir.resolve("funding-vault.bin"),
            vaultDir.resolve("funding-vault.secret"),
            new SecureRandom())
        .key(RealChain.FUNDING_KEY_LABEL)
        .publicKey()
        .toAddress(Network.TESTNET)
        .encode();
  }

  /** A node's JSON-RPC that says it runs testnet ({@code getblockchaininfo}). */
  private static HttpServer testnetNode() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String request =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String answer =
              request.contains("\"getblockchaininfo\"")
                  ? "{\"result\":{\"chain\":\"test\",\"blocks\":1},\"error\":null,\"id\":1}"
                  : "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not"
                      + " found\"},\"id\":1}";
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }
}
