package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A gateway refuses to sign a statement that charges for energy its meter did not import, or that
 * exceeds its cap": each refusal reaches the hub with its code, no commitment is signed or sent,
 * and neither side's channel moves; an honest statement afterwards is paid on the same channel.
 */
class PaymentRefusalTest {
  private static final DeliverySlot SLOT_A = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  private static final DeliverySlot SLOT_B = DeliverySlot.parse("2026-11-25T11:00Z/PT15M");

  @TempDir Path dataDir;
  private WalletHarness h;

  /** An open buyer channel, and readings importing 150 Wh in slot A and 150 Wh in slot B. */
  private void start(long capSatsPerDay) throws IOException {
    h =
        new WalletHarness(
            dataDir, WalletHarness.config(capSatsPerDay), Instant.parse("2026-11-25T09:45:00Z"));
    h.step();
    assertThat(h.lastError()).isNull();
    h.readAround(SLOT_A, 10_000, 50);
    h.readAround(SLOT_B, 11_000, 50);
    h.clock.set(Instant.parse("2026-11-25T11:30:00Z"));
  }

  @AfterEach
  void stop() throws IOException {
    if (h != null) {
      assertThat(h.hub.authFailures()).isEmpty();
      assertThat(h.hub.violations()).isEmpty();
      h.close();
    }
  }

  @Test
  void aStatementChargingForEnergyTheMeterDidNotImportIsRefused606() throws IOException {
    start(1_000_000);
    String channel = h.openPayer().channel().channelId();
    // the meter imported 150 Wh; the platform charges the excess over the 100 Wh bought as if 300
    // Wh came in,
    // citing the gateway's own readings
    Statement inflated = WalletHarness.buyerStatement(SLOT_A, 100, h.metered(SLOT_A), 300);
    FakeHub.Payment p = h.hub.requestPayment(List.of(inflated));

    h.step();
    h.step();

    assertThat(h.lastError()).isNull();
    assertThat(h.hub.payment(p.id).refusalCode)
        .isEqualTo(RefusalReason.CHARGES_UNIMPORTED_ENERGY.code())
        .isEqualTo(606);
    assertThat(h.hub.payment(p.id).refusalDetail).contains("300 Wh", "150 Wh");
    assertThat(h.hub.received("refusal")).as("refused once, not again each round").hasSize(1);
    assertNothingSignedOn(channel);
    WalletState.Payment answer = h.state().payments.get(p.id);
    assertThat(answer.status()).isEqualTo(WalletState.PaymentStatus.REFUSED);
    assertThat(answer.refusalSent()).isTrue();
    assertThat(h.state().spentOn(h.clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate()))
        .isZero();

    // the channel is untouched and still pays an honest statement
    Statement honest = h.honestStatement(SLOT_B, 100);
    FakeHub.Payment q = h.hub.requestPayment(List.of(honest));
    h.step();
    assertThat(h.hub.buyer(channel).channel.sequence()).isEqualTo(1);
    assertThat(h.hub.buyer(channel).channel.payeeAmountSats())
        .isEqualTo(q.targetPayeeSats)
        .isEqualTo(WalletHarness.debit(honest));
  }

  @Test
  void aStatementWithinTheEnergyButBeyondTheDailyCapIsRefused607() throws IOException {
    start(150_000);
    String channel = h.openPayer().channel().channelId();
    Statement a = h.honestStatement(SLOT_A, 100);
    Statement b = h.honestStatement(SLOT_B, 100);
    // 100 Wh at 25 ct = 50,000 sat, 50 Wh excess import at 40 ct = 40,000 sat (2,000,000 sat per
    // euro)
    assertThat(WalletHarness.debit(a)).isEqualTo(90_000);
    assertThat(WalletHarness.debit(b)).isEqualTo(90_000);
    FakeHub.Payment first = h.hub.requestPayment(List.of(a));
    h.step();
    assertThat(h.hub.buyer(channel).channel.payeeAmountSats())
        .isEqualTo(first.targetPayeeSats)
        .isEqualTo(90_000);

    FakeHub.Payment second = h.hub.requestPayment(List.of(b));
    h.step();

    assertThat(h.lastError()).isNull();
    assertThat(h.hub.payment(second.id).refusalCode)
        .isEqualTo(RefusalReason.EXCEEDS_SPENDING_CAP.code())
        .isEqualTo(607);
    assertThat(h.hub.payment(second.id).refusalDetail).contains("90000", "60000");
    assertThat(h.hub.commitmentsFor(second.id)).isEmpty();
    assertThat(h.hub.received("commitments")).hasSize(1);
    assertThat(h.hub.buyer(channel).channel.sequence()).isEqualTo(1);
    assertThat(h.hub.buyer(channel).channel.payeeAmountSats()).isEqualTo(90_000);
    WalletState.Payer payer = h.state().payers.get(channel);
    assertThat(payer.channel().sequence()).isEqualTo(1);
    assertThat(payer.channel().payeeAmountSats()).isEqualTo(90_000);
    assertThat(h.state().spentOn(h.clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate()))
        .isEqualTo(90_000);
  }

  @Test
  void aRequestAskingOtherThanTheStatementImpliesIsRefused602() throws IOException {
    start(1_000_000);
    String channel = h.openPayer().channel().channelId();
    Statement a = h.honestStatement(SLOT_A, 100);
    Statement b = h.honestStatement(SLOT_B, 100);
    // one satoshi more than the statement implies, then one less
    FakeHub.Payment more = h.hub.requestPayment(List.of(a), a.totalSat() - 1);
    h.step();
    FakeHub.Payment less = h.hub.requestPayment(List.of(b), b.totalSat() + 1);
    h.step();

    assertThat(h.lastError()).isNull();
    assertThat(h.hub.payment(more.id).refusalCode)
        .isEqualTo(RefusalReason.INCONSISTENT_STATEMENT.code())
        .isEqualTo(602);
    assertThat(h.hub.payment(less.id).refusalCode).isEqualTo(602);
    assertThat(h.hub.payment(more.id).refusalDetail)
        .contains(Long.toString(WalletHarness.debit(a) + 1), Long.toString(WalletHarness.debit(a)));
    assertNothingSignedOn(channel);
  }

  private void assertNothingSignedOn(String channel) throws IOException {
    assertThat(h.hub.received("commitments")).isEmpty();
    assertThat(h.hub.buyer(channel).channel.sequence()).isZero();
    assertThat(h.hub.buyer(channel).channel.payeeAmountSats()).isZero();
    WalletState.Payer payer = h.state().payers.get(channel);
    assertThat(payer.channel().sequence()).isZero();
    assertThat(payer.channel().payeeAmountSats()).isZero();
    assertThat(payer.channel().payerSignature()).isNull();
  }
}
