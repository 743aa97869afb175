package io.peerwatt.deploy;

import io.peerwatt.settlement.chain.ChainBackend;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code peerwatt platform}: runs the API, market, settlement and portal in one process until
 * stopped.
 */
@Command(
    name = "platform",
    mixinStandardHelpOptions = true,
    description =
        "Run the PeerWatt platform (HTTP API, market, settlement, portal) until stopped with Ctrl-C or SIGTERM.")
final class PlatformCommand implements Runnable {

  @Mixin PlatformOptions platformOptions;

  @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080)")
  Integer port;

  @Option(
      names = "--roles",
      paramLabel = "ROLES",
      description =
          "what this node runs, comma-separated from api,ingest,market,settlement (default all;"
              + " a subset needs kafka.bootstrap-servers and node.id)")
  String roles;

  @Mixin ChainOptions chainOptions;

  @Override
  public void run() {
    Map<String, String> flags = chainOptions.flags();
    flags.put("http.port", port == null ? null : port.toString());
    Config loaded = platformOptions.load(ChainSettings.withPlatformKeys(), flags);
    PlatformSettings settings = PlatformSettings.from(loaded, roles);
    ChainSettings chainSettings = ChainSettings.from(loaded);
    Platform platform = Platform.start(settings, chainSettings, Clock.systemUTC());
    ChainBackend chainBackend = platform.settlement().chain();
    System.out.println(
        "PeerWatt platform: "
            + platform.baseUrl()
            + "  (health: "
            + platform.baseUrl()
            + "/health, data: "
            + settings.dataDir()
            + ", database: "
            + platform.database().description()
            + ", chain: "
            + chainSettings.backend()
            + " "
            + chainBackend.network()
            + (settings.cluster().kafka()
                ? ", node "
                    + settings.cluster().nodeId()
                    + " with roles "
                    + settings.cluster().roleNames()
                    + " on Kafka "
                    + settings.cluster().bootstrapServersConfig()
                : "")
            + ")");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  platform.close();
                  stopped.countDown();
                },
                "peerwatt-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
