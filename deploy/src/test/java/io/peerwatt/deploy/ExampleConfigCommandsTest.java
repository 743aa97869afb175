package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.settlement.chain.arc.FakeArc;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One config file serves every command (issue 15 item 4): the operator's guide points {@code admin
 * create-operator}, {@code report}, {@code chain ...} and {@code platform} at the same {@code
 * platform.yaml}. Each runs here with the example file ({@code deploy/examples/platform.yaml}),
 * every key kept, its host-specific values pointed at a test database and a fake ARC.
 */
class ExampleConfigCommandsTest {
  private static final Path EXAMPLE =
      Path.of(System.getProperty("peerwatt.root"), "deploy", "examples", "platform.yaml");

  @TempDir Path dir;

  @Test
  void everyCommandRunsWithTheExamplePlatformYaml() throws Exception {
    FakeArc arc =
        new FakeArc(DevnetBackend.inMemory(Clock.systemUTC(), DevnetBackend.DEFAULT_POLICY));
    try (TestDatabase db = TestDatabase.create("example-config")) {
      Path dataDir = dir.resolve("data");
      Path config = local(db, arc, dataDir);
      assertThat(keys(config)).isEqualTo(keys(EXAMPLE));
      String c = config.toString();
      Path password = Files.writeString(dir.resolve("operator-password"), "a long operator pw\n");

      assertThat(
              run(
                  "admin",
                  "create-operator",
                  "--username",
                  "ops",
                  "--password-file",
                  password.toString(),
                  "--config",
                  c))
          .startsWith("0 ")
          .contains("Created operator ops");
      assertThat(
              run(
                  "report",
                  "--zone",
                  "DE-1",
                  "--from",
                  "2026-11-25T00:00:00Z",
                  "--to",
                  "2026-11-26T00:00:00Z",
                  "--config",
                  c))
          .startsWith("0 ");
      assertThat(run("chain", "wallet", "--config", c)).startsWith("0 ").contains("on mainnet");
      KeyVault vault =
          KeyVault.open(
              dataDir.resolve("keys").resolve("settlement-vault.bin"),
              dataDir.resolve("keys").resolve("settlement-vault.secret"),
              new SecureRandom());
      byte[] hub =
          Script.p2pkh(vault.key(HubWallet.WALLET_KEY_LABEL).publicKey().hash160()).bytes();
      String funding = HexFormat.of().formatHex(arc.devnet.faucet(hub, 500_000).rawTx());
      assertThat(run("chain", "fund", "--tx", funding, "--config", c))
          .startsWith("0 ")
          .contains("500000 sat to the hub wallet");
      assertThat(
              run(
                  "chain",
                  "export",
                  "--out",
                  dir.resolve("tx.json").toString(),
                  "--beef",
                  dir.resolve("tx.beef").toString(),
                  "--config",
                  c))
          .startsWith("0 ");

      // peerwatt platform reads it as the command does (it runs until stopped, so it is started
      // here and stopped once it answers)
      Config loaded =
          Config.load(ChainSettings.withPlatformKeys(), config, Map.of(), Map.of("http.port", "0"));
      try (Platform platform =
          Platform.start(
              PlatformSettings.from(loaded), ChainSettings.from(loaded), Clock.systemUTC())) {
        HttpResponse<String> health = health(platform);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
            .contains("\"network\":\"mainnet\"")
            .contains("\"feeSatsPerKb\":")
            .contains("\"reachable\":true");
        try (ApiClient api = new ApiClient(platform.port())) {
          String ops = api.login("ops", "a long operator pw");
          assertThat(ok(api.get("/monitor", ops)).getJsonObject("chain").getBoolean("reachable"))
              .isTrue();
          // ARC gone: the platform is up, its chain is not reachable; the monitor says so
          arc.close();
          HttpResponse<String> withoutChain = health(platform);
          assertThat(withoutChain.statusCode()).isEqualTo(200);
          assertThat(withoutChain.body()).contains("\"reachable\":false");
          JsonObject monitor = ok(api.get("/monitor", ops));
          assertThat(monitor.getJsonObject("chain").getBoolean("reachable")).isFalse();
          assertThat(monitor.getJsonObject("chain").getString("network")).isEqualTo("mainnet");
          assertThat(monitor.getJsonObject("passes")).isNotNull();
        }
      }
    } finally {
      arc.close();
    }
  }

  private static HttpResponse<String> health(Platform platform) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The example with its host-specific values pointed at the test database and the fake ARC. */
  private Path local(TestDatabase db, FakeArc arc, Path dataDir) throws IOException {
    Path dbPassword = Files.writeString(dir.resolve("db-password"), db.password() + "\n");
    Path apiKey = Files.writeString(dir.resolve("api-key"), FakeArc.API_KEY + "\n");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("data-dir", dataDir.toString());
    values.put("url", db.jdbcUrl());
    values.put("user", db.user());
    values.put("password-file", dbPassword.toString());
    values.put("arc-url", arc.url().toString());
    values.put("arc-api-key-file", apiKey.toString());
    values.put("headers-url", arc.url().toString());
    values.put("headers-api-key-file", apiKey.toString());
    String text = Files.readString(EXAMPLE);
    for (Map.Entry<String, String> e : values.entrySet()) {
      Matcher m =
          Pattern.compile("(?m)^(\\s*" + Pattern.quote(e.getKey()) + ": )\\S+(.*)$").matcher(text);
      assertThat(m.find()).as("the example sets %s", e.getKey()).isTrue();
      text =
          text.substring(0, m.start())
              + m.group(1)
              + "'"
              + e.getValue()
              + "'"
              + m.group(2)
              + text.substring(m.end());
    }
    return Files.writeString(dir.resolve("platform.yaml"), text);
  }

  /** The dotted keys a YAML file sets. */
  private static TreeSet<String> keys(Path yaml) throws IOException {
    TreeSet<String> keys = new TreeSet<>();
    collect("", new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile()), keys);
    return keys;
  }

  private static void collect(String prefix, JsonNode node, TreeSet<String> keys) {
    if (!node.isObject()) {
      keys.add(prefix);
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), keys);
    }
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      return PeerwattCommand.run(args) + " " + out.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(old);
    }
  }
}
