package io.peerwatt.deploy.gateway;

import io.peerwatt.deploy.CommandGroup;
import io.peerwatt.deploy.TransactionOption;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.wallet.WalletInbox;
import io.peerwatt.protocol.bsv.Transaction;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerwatt gateway wallet}: the machine-to-machine wallet's commands (address, fund), moved
 * out of {@link GatewayCommand}.
 */
@Command(
    name = "wallet",
    mixinStandardHelpOptions = true,
    description =
        "The machine-to-machine wallet (wallet: mode: m2m): 'address' to fund it from your own BSV"
            + " wallet, 'fund' to hand the gateway the funding transaction (it books it on its next round).",
    subcommands = {GatewayWalletCommand.WalletAddress.class, GatewayWalletCommand.WalletFund.class})
public final class GatewayWalletCommand extends CommandGroup {

  @Command(
      name = "address",
      mixinStandardHelpOptions = true,
      description = "Print the wallet's address (the channel key's P2PKH; made on first use).")
  public static final class WalletAddress implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin GatewayCommand.DataDir dataDir;

    @Option(names = "--mainnet", description = "the mainnet form (default: testnet/regtest form)")
    boolean mainnet;

    @Override
    public Integer call() throws Exception {
      spec.commandLine()
          .getOut()
          .println(
              WalletInbox.address(DeviceIdentity.channelKey(dataDir.path()).publicKey(), mainnet));
      return 0;
    }
  }

  @Command(
      name = "fund",
      mixinStandardHelpOptions = true,
      description =
          "Hand the gateway a transaction that pays its wallet (broadcast it from your wallet first).")
  public static final class WalletFund implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin GatewayCommand.DataDir dataDir;

    @CommandLine.Mixin TransactionOption tx;

    @Override
    public Integer call() throws Exception {
      Transaction funding = tx.transaction();
      try {
        Path dir = dataDir.path();
        long paid = WalletInbox.deliver(dir, DeviceIdentity.channelKey(dir).publicKey(), funding);
        spec.commandLine()
            .getOut()
            .println(
                "handed "
                    + funding.txidHex()
                    + " ("
                    + paid
                    + " sat to the wallet) to the"
                    + " gateway: it books it on its next round");
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage(), e);
      }
      return 0;
    }
  }
}
