package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.ReadingRef;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wallet/state.json}: everything the wallet must not forget comes back as it was saved. */
class WalletStateTest {
  private static final FeePolicy POLICY = new FeePolicy(100, 1);
  private final PrivateKey gateway = PrivateKey.generate(new SecureRandom());
  private final PrivateKey hub = PrivateKey.generate(new SecureRandom());
  private final byte[] gatewayScript = Script.p2pkh(gateway.publicKey().hash160()).bytes();
  private final byte[] hubScript = Script.p2pkh(hub.publicKey().hash160()).bytes();

  @TempDir Path dir;

  private static byte[] txid(int b) {
    byte[] t = new byte[32];
    t[0] = (byte) b;
    t[31] = (byte) (b * 7);
    return t;
  }

  private ChannelTerms terms(String id, ChannelDirection direction, long expiry) {
    boolean buyer = direction == ChannelDirection.BUYER_TO_HUB;
    PrivateKey payer = buyer ? gateway : hub;
    PrivateKey payee = buyer ? hub : gateway;
    byte[] payerScript = buyer ? gatewayScript : hubScript;
    byte[] payeeScript = buyer ? hubScript : gatewayScript;
    return new ChannelTerms(
        id,
        direction,
        "42",
        payer.publicKey(),
        payee.publicKey(),
        payerScript,
        payeeScript,
        1_000_000,
        ChannelTerms.commitmentFeeSats(POLICY, payerScript, payeeScript),
        1,
        expiry,
        txid(id.length()),
        0);
  }

  /**
   * A wallet with something of every kind: channels in every state the agent stores, statements,
   * answers.
   */
  private WalletState richState(Path walletDir) throws IOException {
    WalletState s = WalletState.load(walletDir);
    assertThat(s.payers).isEmpty();
    P2pkhSpend.Coin a = new P2pkhSpend.Coin(txid(1), 0, 1_234_567, true);
    P2pkhSpend.Coin b = new P2pkhSpend.Coin(txid(2), 3, 89, false);
    s.coins.addAll(List.of(a, b));
    P2pkhSpend.Spend funding =
        P2pkhSpend.build(
            gateway,
            List.of(new P2pkhSpend.Coin(txid(3), 1, 2_000_000, false)),
            List.of(
                new TxOutput(
                    1_000_000, ChannelTerms.fundingScript(gateway.publicKey(), hub.publicKey()))),
            POLICY);
    s.reserved.put(funding.transaction().txidHex(), funding.inputs());

    // buyer channels: proposed (funding kept), open with two commitments, refunded
    ChannelTerms proposedTerms =
        terms("gw7-1", ChannelDirection.BUYER_TO_HUB, 1_200)
            .withFunding(funding.transaction().txid(), 0);
    s.payers.put(
        "gw7-1",
        new WalletState.Payer(
            PayerChannel.propose(proposedTerms, proposedTerms.maxPayeeAmountSats()),
            funding.transaction().serialize(),
            false));
    ChannelTerms openTerms = terms("gw7-22", ChannelDirection.BUYER_TO_HUB, 1_300);
    byte[] refundSignature =
        PayeeChannel.accept(openTerms)
            .signRefund(openTerms.refundTransaction(), hub)
            .orThrow()
            .signature();
    PayerChannel open =
        PayerChannel.propose(openTerms, 900_000).acceptRefundSignature(refundSignature).orThrow();
    open = open.pay(90_000, gateway).orThrow().channel().pay(135_001, gateway).orThrow().channel();
    s.payers.put("gw7-22", new WalletState.Payer(open, new byte[] {1, 2, 3}, true));
    ChannelTerms oldTerms = terms("gw7-333", ChannelDirection.BUYER_TO_HUB, 900);
    PayerChannel refunded =
        PayerChannel.propose(oldTerms, 0)
            .acceptRefundSignature(
                PayeeChannel.accept(oldTerms)
                    .signRefund(oldTerms.refundTransaction(), hub)
                    .orThrow()
                    .signature())
            .orThrow()
            .withState(ChannelState.REFUNDED);
    s.payers.put("gw7-333", new WalletState.Payer(refunded, null, true));

    // hub -> seller channels: open with nothing received yet, closing with its closing transaction
    ChannelTerms incoming = terms("hub-to-42-1", ChannelDirection.HUB_TO_SELLER, 1_200);
    s.payees.put(
        "hub-to-42-1",
        new WalletState.Payee(
            PayeeChannel.accept(incoming)
                .signRefund(incoming.refundTransaction(), gateway)
                .orThrow()
                .channel(),
            null));
    ChannelTerms closingTerms = terms("hub-to-42-2", ChannelDirection.HUB_TO_SELLER, 1_250);
    PayeeChannel closing =
        PayeeChannel.accept(closingTerms)
            .signRefund(closingTerms.refundTransaction(), gateway)
            .orThrow()
            .channel();
    PayerChannel hubSide =
        PayerChannel.propose(closingTerms, 1_000_000)
            .acceptRefundSignature(
                PayeeChannel.accept(closingTerms)
                    .signRefund(closingTerms.refundTransaction(), gateway)
                    .orThrow()
                    .signature())
            .orThrow();
    closing = closing.receive(hubSide.pay(45_000, hub).orThrow().update()).orThrow();
    Transaction closingTx = closing.closingTransaction(gateway).orThrow();
    s.payees.put(
        "hub-to-42-2",
        new WalletState.Payee(closing.withState(ChannelState.CLOSING), closingTx.serialize()));

    // statements accounted per slot, the second a re-settlement
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    MeteredEnergy metered =
        new MeteredEnergy(
            150,
            3,
            false,
            false,
            List.of(
                new ReadingRef(7, 0, 12, "ab".repeat(32)),
                new ReadingRef(7, 0, 15, "cd".repeat(32))));
    Statement v1 = WalletHarness.buyerStatement(slot, 100, metered, 150);
    Statement v2 =
        WalletHarness.buyerStatement(slot, 120, metered, 150)
            .asVersion(2, StatementCodec.hashHex(v1));
    s.statements.put(WalletState.slotKey(v2), v2);
    Statement other = WalletHarness.buyerStatement(slot.next(), 80, metered, 60);
    s.statements.put(WalletState.slotKey(other), other);

    LocalDate day = LocalDate.parse("2026-11-25");
    s.payments.put(
        501L,
        new WalletState.Payment(
            501, "gw7-22", 1, 90_000, WalletState.PaymentStatus.ACKNOWLEDGED, 0, "", day, false));
    s.payments.put(
        502L,
        new WalletState.Payment(
            502, "gw7-22", 2, 45_001, WalletState.PaymentStatus.SIGNED, 0, "", day, false));
    s.payments.put(
        503L,
        new WalletState.Payment(
            503,
            "",
            0,
            0,
            WalletState.PaymentStatus.REFUSED,
            606,
            "statement counts 300 Wh \"imported\", the meter counted 150 Wh \u2013 \u00fcberh\u00f6ht\n\ttab",
            day,
            false));
    s.payments.put(
        504L,
        new WalletState.Payment(
            504, "", 0, 0, WalletState.PaymentStatus.REFUSED, 607, "cap", day.minusDays(3), true));
    return s;
  }

  @Test
  void whatIsSavedIsLoadedWithTheSameContent() throws IOException {
    Path walletDir = dir.resolve("wallet");
    WalletState saved = richState(walletDir);
    saved.save();

    WalletState loaded = WalletState.load(walletDir);

    // field by field, byte arrays by content; keys by their encoding (not their curve caches)
    assertThat(loaded)
        .usingRecursiveComparison()
        .withEqualsForType(PublicKey::equals, PublicKey.class)
        .isEqualTo(saved);
    assertThat(loaded.coins).containsExactlyElementsOf(saved.coins);
    assertThat(loaded.payers.keySet()).containsExactly("gw7-1", "gw7-22", "gw7-333");
    for (String id : saved.payers.keySet()) {
      PayerChannel s = saved.payers.get(id).channel();
      PayerChannel l = loaded.payers.get(id).channel();
      assertThat(l.terms()).isEqualTo(s.terms());
      assertThat(l.state()).isEqualTo(s.state());
      assertThat(l.refundPayeeSignature()).isEqualTo(s.refundPayeeSignature());
      // what a restarted gateway resends is the very commitment it signed
      assertThat(l.latestUpdate()).isEqualTo(s.latestUpdate());
      assertThat(loaded.payers.get(id).fundingTx()).isEqualTo(saved.payers.get(id).fundingTx());
    }
    assertThat(loaded.payers.get("gw7-22").channel().latestUpdate().sequence()).isEqualTo(2);
    assertThat(loaded.payees.get("hub-to-42-2").closingTx())
        .isEqualTo(saved.payees.get("hub-to-42-2").closingTx());
    assertThat(loaded.payees.get("hub-to-42-2").channel().state()).isEqualTo(ChannelState.CLOSING);
    assertThat(loaded.statements).isEqualTo(saved.statements);
    assertThat(loaded.payments).isEqualTo(saved.payments);
    assertThat(loaded.balanceSats()).isEqualTo(1_234_567 + 89);
    assertThat(loaded.spentOn(LocalDate.parse("2026-11-25"))).isEqualTo(135_001);
    assertThat(loaded.openPayer().orElseThrow().channel().channelId()).isEqualTo("gw7-22");

    // saving what was loaded writes the same bytes: nothing is lost or reordered on the way
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    Files.copy(walletDir.resolve(WalletState.FILE), copy.resolve(WalletState.FILE));
    WalletState again = WalletState.load(copy);
    again.save();
    assertThat(Files.readAllBytes(copy.resolve(WalletState.FILE)))
        .isEqualTo(Files.readAllBytes(walletDir.resolve(WalletState.FILE)));
    assertThat(walletDir.resolve(WalletState.FILE + ".tmp")).doesNotExist();
  }

  @Test
  void aMissingFileIsAnEmptyWallet() throws IOException {
    WalletState s = WalletState.load(dir.resolve("nowhere"));
    assertThat(s.coins).isEmpty();
    assertThat(s.payers).isEmpty();
    assertThat(s.payees).isEmpty();
    assertThat(s.statements).isEmpty();
    assertThat(s.payments).isEmpty();
    assertThat(s.openPayer()).isEmpty();
    s.save();
    assertThat(WalletState.load(dir.resolve("nowhere"))).usingRecursiveComparison().isEqualTo(s);
  }

  @Test
  void pruningForgetsOldAnswersAndStatementsButNeverAnUndeliveredCommitment() throws IOException {
    WalletState s = richState(dir.resolve("wallet"));
    s.payments.put(
        505L,
        new WalletState.Payment(
            505,
            "gw7-22",
            2,
            45_001,
            WalletState.PaymentStatus.SIGNED,
            0,
            "",
            LocalDate.parse("2026-11-01"),
            false));

    s.prune(LocalDate.parse("2026-11-24"));

    assertThat(s.payments.keySet()).containsExactly(501L, 502L, 503L, 505L);
    assertThat(s.statements).hasSize(2);
    s.prune(LocalDate.parse("2026-11-26"));
    assertThat(s.payments.keySet())
        .as("signed commitments not yet delivered stay")
        .containsExactly(502L, 505L);
    assertThat(s.statements).isEmpty();
    assertThat(s.payers).hasSize(3);
  }

  @Test
  void outputsPayingTheWalletBecomeCoinsOnce() throws IOException {
    WalletState s = WalletState.load(dir);
    Transaction tx =
        new Transaction(
            1,
            List.of(new io.peerwatt.protocol.bsv.TxInput(txid(9), 0, new byte[0], 0xFFFF_FFFFL)),
            List.of(
                new TxOutput(500, hubScript),
                new TxOutput(700, gatewayScript),
                new TxOutput(0, gatewayScript)),
            0);
    s.addOutputsTo(tx, gatewayScript);
    s.addOutputsTo(tx, gatewayScript);
    assertThat(s.coins).containsExactly(new P2pkhSpend.Coin(tx.txid(), 1, 700, false));
  }

  @Test
  void aTransactionHandedInAgainDoesNotBringBackCoinsAFundingSpent() throws IOException {
    WalletState s = WalletState.load(dir);
    Transaction paid =
        new Transaction(
            1,
            List.of(new io.peerwatt.protocol.bsv.TxInput(txid(9), 0, new byte[0], 0xFFFF_FFFFL)),
            List.of(new TxOutput(1_500_000, gatewayScript), new TxOutput(1_400_000, gatewayScript)),
            0);
    s.addOutputsTo(paid, gatewayScript);
    P2pkhSpend.Coin first = s.coins.get(0);
    P2pkhSpend.Coin second = s.coins.get(1);
    // the first coin funds a channel now open, the second one a funding still waiting for the hub
    ChannelTerms terms = terms("gw7-4", ChannelDirection.BUYER_TO_HUB, 1_200);
    P2pkhSpend.Spend funding =
        P2pkhSpend.build(
            gateway,
            List.of(first),
            List.of(
                new TxOutput(
                    1_000_000, ChannelTerms.fundingScript(gateway.publicKey(), hub.publicKey()))),
            POLICY);
    s.payers.put(
        "gw7-4",
        new WalletState.Payer(
            PayerChannel.propose(terms.withFunding(funding.transaction().txid(), 0), 900_000),
            funding.transaction().serialize(),
            true));
    s.reserved.put("waiting", List.of(second));
    s.coins.removeAll(List.of(first, second));

    s.addOutputsTo(paid, gatewayScript);
    assertThat(s.coins).isEmpty();
  }
}
