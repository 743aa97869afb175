package io.peerwatt.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerwatt.deploy.BytesArgument;
import io.peerwatt.deploy.ChainSettings;
import io.peerwatt.deploy.Config;
import io.peerwatt.deploy.NodeUrlOption;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerwatt demo}: a whole simulated neighbourhood on embedded defaults, in accelerated time.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the platform on embedded PostgreSQL and devnet (or a BSV node or ARC) with simulated homes"
            + " (Modbus meter simulators polled by real gateways) that meter, trade, settle and pay over"
            + " channels, in accelerated time.")
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--homes",
      defaultValue = "6",
      paramLabel = "N",
      description = "simulated homes (default ${DEFAULT-VALUE})")
  int homes;

  @Option(
      names = "--zones",
      defaultValue = "1",
      paramLabel = "N",
      description = "grid zones (default ${DEFAULT-VALUE})")
  int zones;

  @Option(
      names = "--slots",
      paramLabel = "N",
      description =
          "stop by itself once this many slots are settled and paid and every channel is closed on chain;"
              + " without it the demo runs until Ctrl-C")
  Integer slots;

  @Option(
      names = "--speed",
      defaultValue = "60",
      paramLabel = "X",
      description =
          "simulated seconds per real second (default ${DEFAULT-VALUE}: a 15-minute slot takes 15 s)")
  long speed;

  @Option(
      names = "--port",
      defaultValue = "8080",
      paramLabel = "P",
      description = "HTTP port of the portal and API (default ${DEFAULT-VALUE}; 0 = any free)")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "an empty or new directory (default: a fresh temporary one)")
  Path dataDir;

  @Option(names = "--summary", paramLabel = "FILE", description = "write the run's figures as JSON")
  Path summary;

  @Option(
      names = "--export",
      paramLabel = "DIR",
      description = "write transactions.json and transactions.beef")
  Path export;

  @Option(
      names = "--chain",
      defaultValue = "devnet",
      paramLabel = "BACKEND",
      description =
          "chain backend: devnet (default, embedded), node (a BSV node: on regtest the demo mines"
              + " and funds itself) or arc (ARC and a headers service, PEERWATT_CHAIN_* settings)")
  String chain;

  @CommandLine.Mixin NodeUrlOption nodeUrl;

  @Option(
      names = "--funding-tx",
      paramLabel = "HEX|@FILE",
      description =
          "on testnet, mainnet or ARC: the transaction that paid the demo's funding address (the demo"
              + " names the address and the amount when it is missing)")
  String fundingTx;

  @Option(
      names = "--funding-dir",
      paramLabel = "DIR",
      description =
          "where the key of the demo's funding address is kept between runs (default"
              + " ~/.peerwatt/demo-funding)")
  Path fundingDir;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("chain.backend", chain);
    nodeUrl.addTo(flags);
    ChainSettings chainSettings =
        ChainSettings.from(Config.load(ChainSettings.KEYS, null, System.getenv(), flags));
    RealChain.Funding funding =
        new RealChain.Funding(
            fundingTx == null ? null : BytesArgument.read(fundingTx, "--funding-tx"),
            fundingDir != null
                ? fundingDir
                : Path.of(System.getProperty("user.home"), ".peerwatt", "demo-funding"));
    PrintStream out = System.out;
    Demo demo =
        Demo.start(
            new Demo.Options(homes, zones, slots, speed, port, dataDir, chainSettings, funding),
            out);
    // Ctrl-C: stop the loop and wait until the homes, the platform and PostgreSQL are shut down
    CountDownLatch closed = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean signalled =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              signalled.set(true);
              demo.stop();
              try {
                closed.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "peerwatt-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (demo) {
      demo.printWelcome();
      demo.run();
      if (signalled.get()) {
        // the JVM is stopping and the embedded PostgreSQL stops with it: no summary or export now
        out.println(
            "stopped"
                + (summary != null || export != null
                    ? "; --summary and --export are written only by a"
                        + " run that ends by itself (--slots N)"
                    : ""));
        return 130;
      }
      if (slots != null) {
        demo.closeChannels();
      }
      Map<String, Object> figures = demo.summary();
      out.println("summary: " + new ObjectMapper().writeValueAsString(figures));
      if (summary != null) {
        DemoExport.writeSummary(summary, figures);
      }
      if (export != null) {
        demo.export(export);
      }
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping (Ctrl-C): the hook ran
      }
    }
    return 0;
  }
}
