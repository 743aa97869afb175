package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.statement.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ends of both channels: the gateway closes its hub -> seller channel when the hub asks (or
 * expiry nears) with a closing transaction the interpreter accepts against the funding output, and
 * takes back a buyer channel the hub let expire with the refund the hub signed at the start; each
 * time the amount becomes a coin of the wallet, also when the platform's answer is lost and the
 * gateway restarts.
 */
class ChannelCloseRefundTest {
  private static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");

  @TempDir Path dataDir;
  private WalletHarness h;

  @BeforeEach
  void start() throws IOException {
    h =
        new WalletHarness(
            dataDir, WalletHarness.config(1_000_000), Instant.parse("2026-11-25T09:45:00Z"));
  }

  @AfterEach
  void stop() throws IOException {
    assertThat(h.hub.authFailures()).isEmpty();
    assertThat(h.hub.violations()).isEmpty();
    h.close();
  }

  /** A hub -> seller channel the hub paid 30,000 then 45,000 sat in total on, acknowledged. */
  private String paidSellerChannel() throws IOException {
    h.step();
    String id = h.hub.proposeSellerChannel(1_000_000);
    h.step();
    h.hub.paySeller(id, 30_000);
    h.step();
    h.hub.paySeller(id, 15_000);
    h.step();
    assertThat(h.hub.seller(id).ackedSequence).isEqualTo(2);
    return id;
  }

  @Test
  void whenTheHubAsksTheGatewayClosesWithATransactionTheInterpreterAcceptsAndBooksItsCoin()
      throws IOException {
    String id = paidSellerChannel();
    h.hub.requestClose(id);

    h.step();

    assertThat(h.lastError()).isNull();
    List<FakeHub.Received> relayed = h.hub.received("transactions");
    assertThat(relayed).hasSize(1);
    Transaction closing = Transaction.parseHex((String) relayed.get(0).body().get("rawTx"));
    assertClosesFor(id, closing, 45_000);
    assertThat(h.hub.storedFirst()).contains("transactions close " + id + ": on disk");

    h.step();
    assertThat(h.hub.received("transactions")).as("closed once").hasSize(1);
    assertThat(h.lastError()).isNull();
  }

  @Test
  void nearExpiryTheGatewayClosesWithoutBeingAsked() throws IOException {
    String id = paidSellerChannel();
    ChannelTerms terms = h.hub.seller(id).channel.terms();
    h.hub.setTipHeight(terms.expiryLockTime() - h.hub.closeMarginBlocks - 2);
    h.step();
    assertThat(h.hub.received("transactions")).isEmpty();

    h.hub.setTipHeight(terms.expiryLockTime() - h.hub.closeMarginBlocks - 1);
    h.step();

    List<FakeHub.Received> relayed = h.hub.received("transactions");
    assertThat(relayed).hasSize(1);
    assertClosesFor(id, Transaction.parseHex((String) relayed.get(0).body().get("rawTx")), 45_000);
  }

  @ParameterizedTest
  @EnumSource(FakeHub.Fault.class)
  void aCloseWhoseAnswerIsLostEndsWithTheCoinBookedOnceAfterARestart(FakeHub.Fault fault)
      throws IOException {
    String id = paidSellerChannel();
    h.hub.requestClose(id);
    h.hub.failNext("transactions", fault);
    h.step();
    assertThat(h.lastError()).isNotNull();
    Transaction stored = Transaction.parse(h.state().payees.get(id).closingTx());

    h.restart();
    h.step();
    h.step();

    assertThat(h.lastError()).isNull();
    List<FakeHub.Received> relayed = h.hub.received("transactions");
    assertThat(relayed)
        .allSatisfy(r -> assertThat(r.body().get("rawTx")).isEqualTo(stored.toHex()));
    assertClosesFor(id, stored, 45_000);
  }

  @Test
  void whenTheHubClosesTheBuyerChannelThePayersChangeBecomesACoin() throws IOException {
    h.step();
    String channel = h.openPayer().channel().channelId();
    h.hub.debitWaitsForChannel =
        false; // no debit waits after this one: no new channel replaces the closed one
    h.readAround(SLOT, 10_000, 50);
    h.clock.set(Instant.parse("2026-11-25T10:30:00Z"));
    Statement s = h.honestStatement(SLOT, 100);
    h.hub.requestPayment(List.of(s));
    h.step();

    Transaction closing = h.hub.closeBuyerChannel(channel);
    h.step();

    assertThat(h.lastError()).isNull();
    WalletState state = h.state();
    assertThat(state.payers.get(channel).channel().state()).isEqualTo(ChannelState.CLOSED);
    ChannelTerms t = state.payers.get(channel).channel().terms();
    long change = t.capacitySats() - t.feeSats() - WalletHarness.debit(s);
    assertThat(closing.outputs().get(1).satoshis()).isEqualTo(change);
    assertThat(state.coins).contains(new P2pkhSpend.Coin(closing.txid(), 1, change, false));
    assertThat(WalletHarness.coinsOf(state)).isEqualTo(h.chainCoins());
  }

  @Test
  void aBuyerChannelPastExpiryWithTheHubSilentIsRefundedOnceItsLockTimeIsReached()
      throws IOException {
    h.step();
    WalletState.Payer payer = h.openPayer();
    ChannelTerms t = payer.channel().terms();
    long expiry = t.expiryLockTime();

    h.hub.setTipHeight(expiry - 1);
    h.step();
    assertThat(h.hub.received("transactions")).as("not before the lock time is reached").isEmpty();

    h.hub.setTipHeight(expiry);
    h.step();

    assertThat(h.lastError()).isNull();
    List<FakeHub.Received> relayed = h.hub.received("transactions");
    assertThat(relayed).hasSize(1);
    Transaction refund = Transaction.parseHex((String) relayed.get(0).body().get("rawTx"));
    assertRefundsFor(t, refund);
  }

  @ParameterizedTest
  @EnumSource(FakeHub.Fault.class)
  void aRefundWhoseAnswerIsLostEndsWithTheCoinBookedOnceAfterARestart(FakeHub.Fault fault)
      throws IOException {
    h.step();
    ChannelTerms t = h.openPayer().channel().terms();
    h.hub.setTipHeight(t.expiryLockTime());
    h.hub.failNext("transactions", fault);
    h.step();
    assertThat(h.lastError()).isNotNull();

    h.restart();
    h.step();
    h.step();

    assertThat(h.lastError()).isNull();
    List<FakeHub.Received> relayed = h.hub.received("transactions");
    Transaction refund = Transaction.parseHex((String) relayed.get(0).body().get("rawTx"));
    assertThat(relayed)
        .allSatisfy(r -> assertThat(r.body().get("rawTx")).isEqualTo(refund.toHex()));
    assertRefundsFor(t, refund);
  }

  private void assertClosesFor(String id, Transaction closing, long payeeSats) throws IOException {
    ChannelTerms terms = h.hub.seller(id).channel.terms();
    TxOutput funding = new TxOutput(terms.capacitySats(), terms.fundingScript());
    assertThat(Interpreter.verifyInput(closing, 0, funding, ScriptFlags.POST_GENESIS_STANDARD).ok())
        .isTrue();
    assertThat(closing.inputs().get(0).prevTxidHex())
        .isEqualTo(Transaction.txidToHex(terms.fundingTxid()));
    assertThat(closing.outputs().get(0))
        .isEqualTo(new TxOutput(payeeSats, h.hub.registeredPayoutScript()));
    assertThat(h.hub.chain.isAccepted(closing.txidHex())).isTrue();
    assertThat(h.hub.seller(id).channel.state()).isEqualTo(ChannelState.CLOSED);
    WalletState state = h.state();
    assertThat(state.payees.get(id).channel().state()).isEqualTo(ChannelState.CLOSED);
    assertThat(state.payees.get(id).closingTx()).isEqualTo(closing.serialize());
    assertThat(state.coins)
        .containsOnlyOnce(new P2pkhSpend.Coin(closing.txid(), 0, payeeSats, false));
    assertThat(WalletHarness.coinsOf(state)).isEqualTo(h.chainCoins());
  }

  private void assertRefundsFor(ChannelTerms t, Transaction refund) throws IOException {
    TxOutput funding = new TxOutput(t.capacitySats(), t.fundingScript());
    assertThat(refund.lockTime()).isEqualTo(t.expiryLockTime());
    assertThat(refund.inputs().get(0).sequence()).isEqualTo(ChannelTerms.REFUND_SEQUENCE);
    assertThat(Interpreter.verifyInput(refund, 0, funding, ScriptFlags.POST_GENESIS_STANDARD).ok())
        .isTrue();
    assertThat(refund.outputs())
        .containsExactly(new TxOutput(t.capacitySats() - t.feeSats(), t.payerScript()));
    // the chain takes it in a block above the lock time: final, scripts valid, fee paid
    assertThat(h.hub.chain.isAccepted(refund.txidHex())).isTrue();
    assertThat(h.hub.buyer(t.channelId()).channel.state()).isEqualTo(ChannelState.REFUNDED);
    WalletState state = h.state();
    assertThat(state.payers.get(t.channelId()).channel().state()).isEqualTo(ChannelState.REFUNDED);
    assertThat(state.coins)
        .containsOnlyOnce(
            new P2pkhSpend.Coin(refund.txid(), 0, t.capacitySats() - t.feeSats(), false));
    assertThat(WalletHarness.coinsOf(state)).isEqualTo(h.chainCoins());
  }
}
