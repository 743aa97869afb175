package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerwatt chain}: the platform's on-chain records (audit export) and wallets (addresses,
 * balances, recording a funding transaction on a chain without a faucet). Run them while the
 * platform is stopped when its database is the embedded one.
 */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description = "The platform's on-chain records and wallets.",
    subcommands = {ChainCommand.Export.class, ChainCommand.Wallet.class, ChainCommand.Fund.class})
final class ChainCommand extends CommandGroup {

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Write every transaction the platform made, with the outputs its inputs spend, as JSON"
              + " ({\"transactions\":[{\"txid\",\"rawTx\",\"inputs\":[{\"satoshis\",\"lockingScript\"}]}]})"
              + " and optionally as BEEF (BRC-62 V1, with BUMPs for mined transactions).")
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON output file")
    Path out;

    @Option(
        names = "--beef",
        paramLabel = "FILE",
        description = "also write the BEEF (binary) to this file")
    Path beef;

    @CommandLine.Mixin Target target;

    @Override
    public Integer call() {
      try (Opened opened = target.open()) {
        AuditExport export =
            new AuditExport(new JdbcTransactionLog(opened.database.dsl()), opened.chain);
        export.writeJson(out);
        spec.commandLine().getOut().println("wrote " + out + " (" + opened.chain.network() + ")");
        if (beef != null) {
          int n = export.writeBeef(beef);
          spec.commandLine()
              .getOut()
              .println("wrote " + beef + ": BEEF with " + n + " transactions");
        }
      } catch (IOException e) {
        throw new UserError("cannot write the export: " + e.getMessage(), e);
      }
      return 0;
    }
  }

  /** Which platform a chain command works on: its config, data dir and chain backend. */
  static final class Target {
    @CommandLine.Mixin PlatformOptions platform;
    @CommandLine.Mixin ChainOptions chain;

    Opened open() {
      Config loaded = platform.load(ChainSettings.withPlatformKeys(), chain.flags());
      PlatformSettings settings = PlatformSettings.from(loaded);
      ChainSettings chainSettings = ChainSettings.from(loaded);
      Database database = PlatformOptions.openDatabase(settings);
      return new Opened(settings, database, chainSettings.open(database.dsl(), Clock.systemUTC()));
    }
  }

  /** A platform's database and chain backend, closed together. */
  static final class Opened implements AutoCloseable {
    final PlatformSettings settings;
    final Database database;
    final ChainBackend chain;

    Opened(PlatformSettings settings, Database database, ChainBackend chain) {
      this.settings = settings;
      this.database = database;
      this.chain = chain;
    }

    /**
     * The hub wallet ({@code hub}) or the custodial store ({@code custodial}), with the platform's
     * keys.
     */
    HubWallet wallet(String which) {
      Path keys = settings.dataDir().resolve("keys");
      KeyVault vault =
          KeyVault.open(
              keys.resolve("settlement-vault.bin"),
              keys.resolve("settlement-vault.secret"),
              new SecureRandom());
      String label =
          switch (which) {
            case "hub" -> HubWallet.WALLET_KEY_LABEL;
            case "custodial" -> Settlement.CUSTODIAL_KEY_LABEL;
            default -> throw new UserError("--wallet must be hub or custodial, not " + which);
          };
      return HubWallet.open(
          vault,
          chain,
          new JdbcWalletStore(database.dsl(), label),
          new JdbcTransactionLog(database.dsl()));
    }

    Network addressNetwork() {
      return Settlement.addressNetwork(chain.network());
    }

    @Override
    public void close() {
      if (chain instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // closing a client frees sockets only; nothing to report
        }
      }
      database.close();
    }
  }

  @Command(
      name = "wallet",
      mixinStandardHelpOptions = true,
      description =
          "The hub wallet's and the custodial store's addresses and balances: send coins to the hub"
              + " address, then record the transaction with 'peerwatt chain fund'.")
  static final class Wallet implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Target target;

    @Override
    public Integer call() {
      try (Opened opened = target.open()) {
        for (String which : new String[] {"hub", "custodial"}) {
          HubWallet wallet = opened.wallet(which);
          wallet.syncConfirmations();
          long confirmed =
              wallet.unspent().stream()
                  .filter(o -> o.isConfirmed())
                  .mapToLong(o -> o.satoshis())
                  .sum();
          spec.commandLine()
              .getOut()
              .printf(
                  "%-9s %s  %d sat (%d confirmed) on %s%n",
                  which,
                  wallet.address(opened.addressNetwork()),
                  wallet.balanceSats(),
                  confirmed,
                  opened.chain.network());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "fund",
      mixinStandardHelpOptions = true,
      description =
          "Record a transaction that pays the hub wallet (or the custodial store): on node or arc,"
              + " where there is no faucet, this is how the platform gets coins to fund channels and anchors.")
  static final class Fund implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Target target;

    @CommandLine.Mixin TransactionOption tx;

    @Option(
        names = "--wallet",
        defaultValue = "hub",
        paramLabel = "hub|custodial",
        description = "which wallet it pays (default ${DEFAULT-VALUE})")
    String which;

    @Option(names = "--broadcast", description = "broadcast it through the chain backend first")
    boolean broadcast;

    @Override
    public Integer call() {
      Transaction funding = tx.transaction();
      try (Opened opened = target.open()) {
        HubWallet wallet = opened.wallet(which);
        long paid =
            funding.outputs().stream()
                .filter(o -> java.util.Arrays.equals(o.lockingScript(), wallet.lockingScript()))
                .mapToLong(o -> o.satoshis())
                .sum();
        if (paid == 0) {
          throw new UserError(
              "transaction "
                  + funding.txidHex()
                  + " pays nothing to the "
                  + which
                  + " wallet "
                  + wallet.address(opened.addressNetwork()));
        }
        if (broadcast) {
          BroadcastResult sent = opened.chain.broadcast(funding.serialize());
          if (!sent.isAccepted()) {
            throw new UserError(
                "the chain refused "
                    + funding.txidHex()
                    + ": "
                    + sent.reason()
                    + " "
                    + sent.detail());
          }
        }
        TxStatus status = opened.chain.status(funding.txidHex());
        if (status.state() == TxStatus.State.UNKNOWN) {
          throw new UserError(
              "the chain does not know "
                  + funding.txidHex()
                  + ": broadcast it first (or add"
                  + " --broadcast)");
        }
        wallet.receive(funding, false, java.util.List.of(), "funding");
        wallet.syncConfirmations();
        spec.commandLine()
            .getOut()
            .println(
                "recorded "
                    + funding.txidHex()
                    + ": "
                    + paid
                    + " sat to the "
                    + which
                    + " wallet ("
                    + status.state().name().toLowerCase(java.util.Locale.ROOT)
                    + "); balance "
                    + wallet.balanceSats()
                    + " sat");
      }
      return 0;
    }
  }
}
