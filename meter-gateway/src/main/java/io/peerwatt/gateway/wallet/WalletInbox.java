package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.journal.DurableFiles;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the owner funds a machine-to-machine gateway on a chain without a faucet: they send coins to
 * the wallet's address from their own wallet, then hand the transaction to the gateway ({@code
 * peerwatt gateway wallet fund --tx ...}), which drops it into {@code wallet/incoming/}; the
 * running gateway books its outputs to the wallet on its next round. The inbox lets the command
 * work while the gateway runs: only the gateway's wallet thread writes the wallet state.
 */
public final class WalletInbox {
  static final String DIR = "incoming";

  private WalletInbox() {}

  /** The wallet's P2PKH address for its channel key (testnet form unless {@code mainnet}). */
  public static String address(PublicKey channelKey, boolean mainnet) {
    return channelKey.toAddress(mainnet ? Network.MAINNET : Network.TESTNET).toString();
  }

  /**
   * The wallet's address on the platform's chain {@code network} (testnet form for every chain but
   * mainnet).
   */
  static String address(PublicKey channelKey, String network) {
    return address(channelKey, "mainnet".equals(network));
  }

  /**
   * Hands a transaction that pays the wallet (the P2PKH of {@code channelKey}) to the gateway in
   * {@code dataDir}.
   *
   * @return the satoshis it pays the wallet
   * @throws IllegalArgumentException when it pays the wallet nothing
   */
  public static long deliver(Path dataDir, PublicKey channelKey, Transaction tx)
      throws IOException {
    long paid = paidTo(tx, Script.p2pkh(channelKey.hash160()).bytes());
    if (paid == 0) {
      throw new IllegalArgumentException(
          "transaction "
              + tx.txidHex()
              + " pays nothing to this gateway's wallet "
              + address(channelKey, false)
              + " ("
              + address(channelKey, true)
              + " on mainnet)");
    }
    Path inbox = dataDir.resolve(WalletConfig.DIR).resolve(DIR);
    Files.createDirectories(inbox);
    DurableFiles.replace(
        inbox.resolve(tx.txidHex() + ".hex"),
        (tx.toHex() + "\n").getBytes(StandardCharsets.US_ASCII));
    return paid;
  }

  /** The transactions waiting in the inbox, each with its file (removed once booked). */
  static List<Path> waiting(Path walletDir) throws IOException {
    Path inbox = walletDir.resolve(DIR);
    if (!Files.isDirectory(inbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(inbox)) {
      return new ArrayList<>(
          files.filter(p -> p.getFileName().toString().endsWith(".hex")).sorted().toList());
    }
  }

  static long paidTo(Transaction tx, byte[] script) {
    long paid = 0;
    for (TxOutput o : tx.outputs()) {
      if (Arrays.equals(o.lockingScript(), script)) {
        paid = Math.addExact(paid, o.satoshis());
      }
    }
    return paid;
  }
}
