package io.peerwatt.gateway;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the owner funds a machine-to-machine gateway on a chain without a faucet: they send coins to the
 * wallet's address from their own wallet, then hand the transaction to the gateway
 * ({@code peerwatt gateway wallet fund --tx ...}), which drops it into {@code wallet/incoming/}; the
 * running gateway books its outputs to the wallet on its next round. The inbox lets the command work
 * while the gateway runs: only the gateway's wallet thread writes the wallet state.
 */
public final class WalletInbox {
  static final String DIR = "incoming";

  private WalletInbox() {}

  /** The wallet's P2PKH address (testnet form unless {@code mainnet}); makes the channel key when there is none. */
  public static String address(Path dataDir, boolean mainnet) throws IOException {
    return DeviceIdentity.channelKey(dataDir).publicKey().toAddress(mainnet ? Network.MAINNET : Network.TESTNET)
        .toString();
  }

  /**
   * Hands a transaction that pays the wallet to the gateway.
   *
   * @return the satoshis it pays the wallet
   * @throws IllegalArgumentException when it pays the wallet nothing
   */
  public static long deliver(Path dataDir, Transaction tx) throws IOException {
    PrivateKey key = DeviceIdentity.channelKey(dataDir);
    long paid = paidTo(tx, Script.p2pkh(key.publicKey().hash160()).bytes());
    if (paid == 0) {
      throw new IllegalArgumentException("transaction " + tx.txidHex() + " pays nothing to this gateway's wallet "
          + key.publicKey().toAddress(Network.TESTNET) + " (" + key.publicKey().toAddress(Network.MAINNET)
          + " on mainnet)");
    }
    Path inbox = dataDir.resolve(DeviceIdentity.CHANNEL_KEY_DIR).resolve(DIR);
    Files.createDirectories(inbox);
    DurableFiles.replace(inbox.resolve(tx.txidHex() + ".hex"), (tx.toHex() + "\n").getBytes(StandardCharsets.US_ASCII));
    return paid;
  }

  /** The transactions waiting in the inbox, each with its file (removed once booked). */
  static List<Path> waiting(Path walletDir) throws IOException {
    Path inbox = walletDir.resolve(DIR);
    if (!Files.isDirectory(inbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(inbox)) {
      return new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".hex")).sorted().toList());
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
