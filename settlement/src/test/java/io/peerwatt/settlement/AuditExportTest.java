package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.Beef;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.InMemoryChannelStore;
import io.peerwatt.settlement.channel.PayeeKeeper;
import io.peerwatt.settlement.channel.PayerKeeper;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Everything the platform does on chain ends up in the export, and all of it verifies. */
class AuditExportTest {

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(55_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  @Test
  @SuppressWarnings("unchecked")
  void exportsEveryMadeTransactionWithSpentOutputsAndAValidBeef() {
    DevnetBackend devnet =
        DevnetBackend.inMemory(
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
            new FeePolicy(50, 1));
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    HubWallet hubWallet = new HubWallet(key(1), devnet, new InMemoryWalletStore(), log);
    hubWallet.receive(
        Transaction.parse(devnet.faucet(hubWallet.lockingScript(), 3_000_000).rawTx()),
        false,
        List.of(),
        "faucet");
    HubChannels hub = new HubChannels(key(2), hubWallet, new InMemoryChannelStore(), devnet, log);

    // hub -> seller, closed by the seller with the hub's signature
    PrivateKey sellerKey = key(3);
    PayeeKeeper seller = new PayeeKeeper(sellerKey, new InMemoryChannelStore());
    byte[] sellerScript = Script.p2pkh(sellerKey.publicKey().hash160()).bytes();
    assertThat(
            hub.sellers()
                .open(
                    "s-1",
                    ChannelDirection.HUB_TO_SELLER,
                    "seller",
                    sellerKey.publicKey(),
                    sellerScript,
                    500_000,
                    devnet.tip().height() + 30,
                    500_000,
                    seller)
                .isOk())
        .isTrue();
    hub.sellers().pay("s-1", 12_345, seller);
    devnet.mineBlocks(1);
    Transaction sellerClose = seller.closingTransaction("s-1").orThrow();
    assertThat(devnet.broadcast(sellerClose.serialize()).isAccepted()).isTrue();
    hub.sellers().closedByPayee("s-1", sellerClose);

    // custodial buyer -> hub, closed by the hub; left unmined so the BEEF carries an unconfirmed
    // child
    HubWallet custodialWallet =
        new HubWallet(key(4), devnet, new InMemoryWalletStore("custodial-b"), log);
    custodialWallet.receive(
        Transaction.parse(devnet.faucet(custodialWallet.lockingScript(), 400_000).rawTx()),
        false,
        List.of(),
        "faucet");
    PayerKeeper custodial =
        new PayerKeeper(key(5), custodialWallet, new InMemoryChannelStore(), devnet);
    assertThat(
            custodial
                .open(
                    "b-1",
                    ChannelDirection.BUYER_TO_HUB,
                    "buyer",
                    hub.hubKey(),
                    hub.hubPayeeScript(),
                    200_000,
                    devnet.tip().height() + 30,
                    200_000,
                    hub.buyers())
                .isOk())
        .isTrue();
    custodial.pay("b-1", 9_000, hub.buyers());
    assertThat(hub.closeBuyerChannel("b-1").orThrow().isAccepted()).isTrue();
    assertThat(
            hubWallet
                .pay(List.of(new TxOutput(1_000, sellerScript)), "wallet-payment")
                .isAccepted())
        .isTrue();

    AuditExport export = new AuditExport(log, devnet);
    Map<String, Object> doc = Json.parseObject(export.json());
    List<Object> txs = Json.array(doc, "transactions");
    // seller funding, seller close, buyer funding (custodial), buyer close, wallet payment
    assertThat(txs).hasSize(5);
    HexFormat hex = HexFormat.of();
    for (Object o : txs) {
      Map<String, Object> entry = (Map<String, Object>) o;
      Transaction tx = Transaction.parseHex(Json.string(entry, "rawTx"));
      assertThat(Json.string(entry, "txid")).isEqualTo(tx.txidHex());
      List<Object> inputs = Json.array(entry, "inputs");
      assertThat(inputs).hasSize(tx.inputs().size());
      for (int i = 0; i < inputs.size(); i++) {
        Map<String, Object> in = (Map<String, Object>) inputs.get(i);
        TxOutput spent =
            new TxOutput(
                Json.integer(in, "satoshis"), hex.parseHex(Json.string(in, "lockingScript")));
        assertThat(Interpreter.verifyInput(tx, i, spent, ScriptFlags.POST_GENESIS_STANDARD).ok())
            .isTrue();
      }
    }

    Beef beef = Beef.decode(export.beef().encode());
    assertThat(beef.transactions()).hasSize(7); // plus the two faucet payments
    assertThat(beef.unanchored()).isEmpty();
    assertThat(beef.bumps()).isNotEmpty();
    for (var bump : beef.bumps()) {
      assertThat(bump.computeRoot())
          .isEqualTo(devnet.header(bump.blockHeight()).orElseThrow().merkleRoot());
    }
  }
}
