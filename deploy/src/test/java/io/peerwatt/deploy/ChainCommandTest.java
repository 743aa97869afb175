package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.Beef;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerwatt chain export}, {@code wallet} and {@code fund} on the embedded database of a data
 * directory.
 */
class ChainCommandTest {

  private static String run(String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    try {
      System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
      int exit = PeerwattCommand.run(args);
      return exit + " " + out.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void aFundingTransactionTheChainKnowsIsRecordedForTheWalletItPays(@TempDir Path dataDir)
      throws Exception {
    assertThat(run("chain", "wallet", "--data-dir", dataDir.toString()))
        .startsWith("0 ")
        .contains("hub")
        .contains(" 0 sat");
    java.nio.file.Path keys = dataDir.resolve("keys");
    io.peerwatt.settlement.wallet.KeyVault vault =
        io.peerwatt.settlement.wallet.KeyVault.open(
            keys.resolve("settlement-vault.bin"),
            keys.resolve("settlement-vault.secret"),
            new java.security.SecureRandom());
    byte[] hubScript =
        Script.p2pkh(vault.key(HubWallet.WALLET_KEY_LABEL).publicKey().hash160()).bytes();
    String paid;
    String elsewhere;
    String neverBroadcast;
    try (Database db = Database.start(DatabaseConfig.embedded(dataDir));
        DevnetBackend devnet =
            DevnetBackend.open(db.dsl(), Clock.systemUTC(), DevnetBackend.DEFAULT_POLICY)) {
      paid = java.util.HexFormat.of().formatHex(devnet.faucet(hubScript, 250_000).rawTx());
      elsewhere =
          java.util.HexFormat.of()
              .formatHex(devnet.faucet(Script.p2pkh(new byte[20]).bytes(), 9_000).rawTx());
      Transaction tx = Transaction.parseHex(paid);
      neverBroadcast =
          new Transaction(1, tx.inputs(), List.of(new TxOutput(1_000, hubScript)), 7).toHex();
    }
    assertThat(run("chain", "fund", "--tx", elsewhere, "--data-dir", dataDir.toString()))
        .startsWith("2 ");
    assertThat(run("chain", "fund", "--tx", neverBroadcast, "--data-dir", dataDir.toString()))
        .startsWith("2 ");
    assertThat(run("chain", "fund", "--tx", paid, "--data-dir", dataDir.toString()))
        .startsWith("0 ")
        .contains("recorded")
        .contains("250000 sat to the hub wallet");
    assertThat(run("chain", "wallet", "--data-dir", dataDir.toString())).contains("250000 sat");
  }

  @Test
  @SuppressWarnings("unchecked")
  void exportsTheWalletsTransactionsAsJsonAndBeef(@TempDir Path dataDir) throws Exception {
    PrivateKey key =
        PrivateKey.fromBytes(
            Hashes.sha256("chain export test".getBytes(StandardCharsets.US_ASCII)));
    String paymentTxid;
    try (Database db = Database.start(DatabaseConfig.embedded(dataDir));
        DevnetBackend devnet =
            DevnetBackend.open(db.dsl(), Clock.systemUTC(), DevnetBackend.DEFAULT_POLICY)) {
      JdbcTransactionLog log = new JdbcTransactionLog(db.dsl());
      HubWallet wallet = new HubWallet(key, devnet, new JdbcWalletStore(db.dsl()), log);
      wallet.receive(
          Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()),
          false,
          List.of(),
          "faucet");
      byte[] elsewhere = Script.p2pkh(Hashes.hash160(new byte[] {1})).bytes();
      HubWallet.PreparedSpend spend = wallet.prepare(List.of(new TxOutput(40_000, elsewhere)));
      assertThat(wallet.broadcast(spend, "wallet-payment").isAccepted()).isTrue();
      paymentTxid = spend.transaction().txidHex();
      devnet.mineBlocks(1);
    }

    Path json = dataDir.resolve("export.json");
    Path beef = dataDir.resolve("export.beef");
    int exit =
        PeerwattCommand.run(
            "chain",
            "export",
            "--out",
            json.toString(),
            "--beef",
            beef.toString(),
            "--data-dir",
            dataDir.toString());
    assertThat(exit).isZero();

    List<Object> txs = Json.array(Json.parseObject(Files.readString(json)), "transactions");
    assertThat(txs).hasSize(1);
    Map<String, Object> payment = (Map<String, Object>) txs.get(0);
    assertThat(Json.string(payment, "txid")).isEqualTo(paymentTxid);
    Map<String, Object> input = (Map<String, Object>) Json.array(payment, "inputs").get(0);
    assertThat(Json.integer(input, "satoshis")).isEqualTo(100_000);

    Beef decoded = Beef.decode(Files.readAllBytes(beef));
    assertThat(decoded.transactions()).hasSize(2);
    assertThat(decoded.bumps()).hasSize(1);
    assertThat(decoded.unanchored()).isEmpty();
  }
}
