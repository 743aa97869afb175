package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseUnavailableException;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerwatt chain}: the platform's on-chain records (audit export). */
@Command(name = "chain", mixinStandardHelpOptions = true,
    description = "The platform's on-chain records.",
    subcommands = {ChainCommand.Export.class})
final class ChainCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write every transaction the platform made, with the outputs its inputs spend, as JSON"
          + " ({\"transactions\":[{\"txid\",\"rawTx\",\"inputs\":[{\"satoshis\",\"lockingScript\"}]}]})"
          + " and optionally as BEEF (BRC-62 V1, with BUMPs for mined transactions).")
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON output file")
    Path out;

    @Option(names = "--beef", paramLabel = "FILE", description = "also write the BEEF (binary) to this file")
    Path beef;

    @Option(names = "--chain", defaultValue = "devnet", paramLabel = "BACKEND",
        description = "chain backend answering transaction status and proofs (default ${DEFAULT-VALUE})")
    String chain;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file, as for 'peerwatt platform'")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default ~/.peerwatt)")
    Path dataDir;

    @Override
    public Integer call() {
      if (!DevnetBackend.NETWORK.equals(chain)) {
        throw new UserError("--chain " + chain + " is not available yet; only devnet");
      }
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("data-dir", dataDir == null ? null : dataDir.toString());
      PlatformSettings settings = PlatformSettings.from(Config.load(PlatformSettings.KEYS, config, System.getenv(), flags));
      Database database;
      try {
        database = Database.start(settings.database());
      } catch (DatabaseUnavailableException e) {
        throw new UserError("database unavailable: " + e.getMessage(), e);
      }
      try (database; DevnetBackend devnet = DevnetBackend.open(database.dsl(), Clock.systemUTC(),
          DevnetBackend.DEFAULT_POLICY)) {
        AuditExport export = new AuditExport(new JdbcTransactionLog(database.dsl()), devnet);
        export.writeJson(out);
        spec.commandLine().getOut().println("wrote " + out + " (" + devnet.network() + ")");
        if (beef != null) {
          int n = export.writeBeef(beef);
          spec.commandLine().getOut().println("wrote " + beef + ": BEEF with " + n + " transactions");
        }
      } catch (IOException e) {
        throw new UserError("cannot write the export: " + e.getMessage(), e);
      }
      return 0;
    }
  }
}
