package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.settlement.chain.node.RegtestNode;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerwatt chain fund --tx <coinbase>} on a real Bitcoin SV node: a block holding only its
 * coinbase.
 */
@ExtendWith(RegtestNode.Available.class)
class ChainFundOnNodeTest {
  static RegtestNode node;

  @BeforeAll
  static void start() {
    node = RegtestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
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

  @Test
  void aCoinbaseOfABlockHoldingNothingElseFundsTheHubWallet(@TempDir Path dataDir) {
    String[] target = {
      "--data-dir", dataDir.toString(), "--chain", "node", "--node-url", node.rpcUrl().toString()
    };
    assertThat(run(concat(new String[] {"chain", "wallet"}, target)))
        .startsWith("0 ")
        .contains(" 0 sat");
    Path keys = dataDir.resolve("keys");
    KeyVault vault =
        KeyVault.open(
            keys.resolve("settlement-vault.bin"),
            keys.resolve("settlement-vault.secret"),
            new SecureRandom());
    String hub =
        vault.key(HubWallet.WALLET_KEY_LABEL).publicKey().toAddress(Network.TESTNET).encode();
    String block = node.mineTo(1, hub).get(0);
    assertThat(node.blockTxids(block)).hasSize(1);
    String coinbase = (String) node.rpc("getrawtransaction", node.blockTxids(block).get(0), 0);
    long paid = Transaction.parse(HexFormat.of().parseHex(coinbase)).outputs().get(0).satoshis();

    assertThat(run(concat(new String[] {"chain", "fund", "--tx", coinbase}, target)))
        .startsWith("0 ")
        .contains("recorded")
        .contains(paid + " sat to the hub wallet (mined)");
    assertThat(run(concat(new String[] {"chain", "wallet"}, target)))
        .contains(paid + " sat (" + paid + " confirmed)");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
