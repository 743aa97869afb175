package io.peerwatt.deploy;

import io.peerwatt.settlement.chain.ChainBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerwatt platform}: runs the API, market, settlement and portal in one process until stopped. */
@Command(name = "platform", mixinStandardHelpOptions = true,
    description = "Run the PeerWatt platform (HTTP API, market, settlement, portal) until stopped with Ctrl-C or SIGTERM.")
final class PlatformCommand implements Runnable {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (keys in the README; PEERWATT_* variables override it)")
  Path config;

  @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080)")
  Integer port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default ~/.peerwatt)")
  Path dataDir;

  @Option(names = "--chain", paramLabel = "BACKEND", description = "chain backend: devnet (default), node or arc")
  String chain;

  @Option(names = "--node-url", paramLabel = "URL", description = "BSV node JSON-RPC, http://user:pass@host:port (--chain node)")
  String nodeUrl;

  @Override
  public void run() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("http.port", port == null ? null : port.toString());
    flags.put("data-dir", dataDir == null ? null : dataDir.toString());
    flags.put("chain.backend", chain);
    flags.put("chain.node-url", nodeUrl);
    Config loaded = Config.load(ChainSettings.withPlatformKeys(), config, System.getenv(), flags);
    PlatformSettings settings = PlatformSettings.from(loaded);
    ChainSettings chainSettings = ChainSettings.from(loaded);
    Platform platform = Platform.start(settings, chainSettings, Clock.systemUTC());
    ChainBackend chainBackend = platform.settlement().chain();
    System.out.println("PeerWatt platform: " + platform.baseUrl() + "  (health: " + platform.baseUrl() + "/health, data: "
        + settings.dataDir() + ", database: " + platform.database().description() + ", chain: "
        + chainSettings.backend() + " " + chainBackend.network() + ")");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      platform.close();
      stopped.countDown();
    }, "peerwatt-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
