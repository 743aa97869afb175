package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The platform fails or the gateway dies in the middle of a money step; a gateway loaded anew from
 * the same data dir finishes the step with what {@code wallet/state.json} holds: it resends the
 * very commitment it signed (never a second one), acknowledges a commitment it stored, never takes
 * a lower one, and finishes opening its channel with the hub's same refund signature.
 */
class WalletCrashTest {
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

  @ParameterizedTest
  @EnumSource(FakeHub.Fault.class)
  void aSignedCommitmentIsResentByteForByteAfterARestartNeverASecondOne(FakeHub.Fault fault)
      throws IOException {
    h.step();
    String channel = h.openPayer().channel().channelId();
    h.readAround(SLOT, 10_000, 50);
    h.clock.set(Instant.parse("2026-11-25T10:30:00Z"));
    Statement statement = h.honestStatement(SLOT, 100);
    FakeHub.Payment p = h.hub.requestPayment(List.of(statement));
    h.hub.failNext("commitments", fault);

    h.step();

    assertThat(h.lastError()).as("the delivery failed").isNotNull();
    WalletState signed = h.state();
    assertThat(signed.payments.get(p.id).status()).isEqualTo(WalletState.PaymentStatus.SIGNED);
    assertThat(signed.payers.get(channel).channel().sequence()).isEqualTo(1);
    assertThat(signed.payers.get(channel).channel().payeeAmountSats()).isEqualTo(p.targetPayeeSats);

    h.restart();
    h.step();
    h.step();

    assertThat(h.lastError()).isNull();
    List<CommitmentUpdate> delivered = h.hub.sentCommitments(p.id);
    assertThat(delivered).hasSize(2);
    CommitmentUpdate first = delivered.get(0);
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.payeeAmountSats())
        .isEqualTo(p.targetPayeeSats)
        .isEqualTo(WalletHarness.debit(statement));
    assertThat(delivered.get(1))
        .as("the resend is the same commitment, signature and all")
        .isEqualTo(first);
    assertThat(delivered.get(1).payerSignature()).isEqualTo(first.payerSignature());
    assertThat(delivered.get(1).rawTx()).isEqualTo(first.rawTx());
    assertThat(h.hub.received("commitments")).hasSize(2);
    assertThat(h.hub.buyer(channel).channel.sequence()).isEqualTo(1);
    assertThat(h.hub.buyer(channel).channel.payeeAmountSats()).isEqualTo(p.targetPayeeSats);
    WalletState after = h.state();
    assertThat(after.payers.get(channel).channel().sequence()).isEqualTo(1);
    assertThat(after.payments.get(p.id).status()).isEqualTo(WalletState.PaymentStatus.ACKNOWLEDGED);
    assertThat(after.spentOn(h.clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate()))
        .isEqualTo(WalletHarness.debit(statement));
    h.hub.dispatch();
    assertThat(h.hub.payment(p.id).paid).isTrue();
  }

  @Test
  void aStoredHubCommitmentIsAcknowledgedAfterARestartAndNeverReplacedByALowerOne()
      throws IOException {
    h.step();
    String id = h.hub.proposeSellerChannel(1_000_000);
    h.step();
    CommitmentUpdate first = h.hub.paySeller(id, 30_000);
    // the gateway stores #1 and dies before its acknowledgement leaves
    h.hub.failNext("acks", FakeHub.Fault.DROP_BEFORE);
    h.step();
    assertThat(h.state().payees.get(id).channel().sequence()).isEqualTo(1);
    assertThat(h.hub.seller(id).ackedSequence).isZero();

    h.restart();
    h.step();
    assertThat(h.hub.seller(id).ackedSequence).isEqualTo(1);
    assertThat(h.hub.received("acks"))
        .extracting(r -> r.body().get("sequence"))
        .containsExactly(1L, 1L);

    h.hub.paySeller(id, 20_000);
    h.step();
    assertThat(h.hub.seller(id).ackedSequence).isEqualTo(2);
    assertThat(h.state().payees.get(id).channel().payeeAmountSats()).isEqualTo(50_000);
    int acks = h.hub.received("acks").size();

    // a hub (or a stale replica of it) showing commitment #1 again, before and after a restart
    h.hub.showLatest(id, first);
    h.step();
    h.restart();
    h.step();
    // and a forged #3 for more than the hub signed
    PrivateKey stranger = PrivateKey.generate(new SecureRandom());
    var terms = h.hub.seller(id).channel.terms();
    byte[] forgedSignature =
        io.peerwatt.protocol.bsv.Signatures.signAllForkId(
            stranger,
            terms.commitmentTransaction(90_000),
            0,
            terms.fundingScript(),
            terms.capacitySats());
    h.hub.showLatest(
        id,
        new CommitmentUpdate(
            id, 3, 90_000, terms.commitmentTransaction(90_000).serialize(), forgedSignature));
    h.step();

    WalletState.Payee kept = h.state().payees.get(id);
    assertThat(kept.channel().sequence()).isEqualTo(2);
    assertThat(kept.channel().payeeAmountSats()).isEqualTo(50_000);
    assertThat(kept.channel().state()).isEqualTo(ChannelState.OPEN);
    assertThat(h.hub.received("acks"))
        .as("no acknowledgement of a lower or forged commitment")
        .hasSize(acks);

    // closing uses the newest commitment the gateway holds
    h.hub.showLatest(id, null);
    h.hub.requestClose(id);
    h.step();
    assertThat(h.hub.seller(id).closingTx.outputs().get(0).satoshis()).isEqualTo(50_000);
  }

  @Test
  void aRefusalWhoseDeliveryFailedIsSentAgainAfterARestartAndNeverPaid() throws IOException {
    h.step();
    h.readAround(SLOT, 10_000, 50);
    h.clock.set(Instant.parse("2026-11-25T10:30:00Z"));
    Statement inflated = WalletHarness.buyerStatement(SLOT, 100, h.metered(SLOT), 300);
    FakeHub.Payment p = h.hub.requestPayment(List.of(inflated));
    h.hub.failNext("refusal", FakeHub.Fault.DROP_BEFORE);
    h.step();
    assertThat(h.hub.payment(p.id).refusalCode).isNull();
    assertThat(h.state().payments.get(p.id).refusalSent()).isFalse();

    h.restart();
    h.step();

    assertThat(h.hub.payment(p.id).refusalCode)
        .isEqualTo(RefusalReason.CHARGES_UNIMPORTED_ENERGY.code());
    assertThat(h.hub.received("refusal"))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.body().get("code")).isEqualTo(606L));
    assertThat(h.hub.received("commitments")).isEmpty();
    assertThat(h.state().payments.get(p.id).refusalSent()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeHub.Fault.class,
      names = {"DROP_BEFORE", "FAIL_AFTER", "DROP_AFTER"})
  void openingTheBuyerChannelSurvivesLostAnswers(FakeHub.Fault fault) throws IOException {
    h.hub.failNext("channels.open", fault);
    h.step();
    assertThat(h.lastError()).isNotNull();
    WalletState proposed = h.state();
    assertThat(proposed.payers).hasSize(1);
    WalletState.Payer p = proposed.payers.values().iterator().next();
    assertThat(p.channel().state()).isEqualTo(ChannelState.PROPOSED);
    assertThat(proposed.reserved)
        .containsKey(io.peerwatt.protocol.bsv.Transaction.parse(p.fundingTx()).txidHex());

    h.hub.failNext("funding", fault);
    h.restart();
    h.step();
    assertThat(h.lastError()).isNotNull();
    PayerChannel opened = h.state().payers.get(p.channel().channelId()).channel();
    assertThat(opened.state()).isEqualTo(ChannelState.OPEN);
    assertThat(opened.refundPayeeSignature())
        .isEqualTo(h.hub.buyer(opened.channelId()).refundSignature);

    h.restart();
    h.step();

    assertThat(h.lastError()).isNull();
    WalletState open = h.state();
    assertThat(open.payers).as("one channel, not a second one").hasSize(1);
    assertThat(open.payers.get(opened.channelId()).fundingBroadcast()).isTrue();
    assertThat(open.reserved).isEmpty();
    assertThat(h.hub.buyer(opened.channelId()).fundingBroadcast).isTrue();
    assertThat(
            h.hub.chain.isAccepted(
                io.peerwatt.protocol.bsv.Transaction.parse(p.fundingTx()).txidHex()))
        .isTrue();
    assertThat(h.hub.storedFirst()).anyMatch(s -> s.startsWith("funding " + opened.channelId()));
    // what the wallet holds is exactly what the chain holds for it
    assertThat(WalletHarness.coinsOf(open)).isEqualTo(h.chainCoins());
  }
}
