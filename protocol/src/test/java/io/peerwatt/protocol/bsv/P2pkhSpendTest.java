package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class P2pkhSpendTest {
  private static final PrivateKey KEY =
      PrivateKey.fromBytes(Hashes.sha256("wallet".getBytes(StandardCharsets.US_ASCII)));
  private static final byte[] OWN = Script.p2pkh(KEY.publicKey().hash160()).bytes();
  private static final byte[] ELSEWHERE = Script.p2pkh(new byte[20]).bytes();
  private static final FeePolicy POLICY = new FeePolicy(500, 135);

  private static P2pkhSpend.Coin coin(int n, long sats, boolean confirmed) {
    return new P2pkhSpend.Coin(Hashes.sha256d(new byte[] {(byte) n}), n, sats, confirmed);
  }

  @Test
  void prefersConfirmedCoinsThenLargerOnesAndPaysChangeLast() {
    P2pkhSpend.Spend spend =
        P2pkhSpend.build(
            KEY,
            List.of(coin(1, 900_000, false), coin(2, 50_000, true), coin(3, 300_000, true)),
            List.of(new TxOutput(200_000, ELSEWHERE)),
            POLICY);
    assertThat(spend.inputs()).containsExactly(coin(3, 300_000, true));
    assertThat(spend.changeIndex()).isEqualTo(1);
    Transaction tx = spend.transaction();
    assertThat(tx.outputs().get(1).lockingScript()).isEqualTo(OWN);
    assertThat(spend.feeSats())
        .isEqualTo(300_000 - 200_000 - tx.outputs().get(1).satoshis())
        .isGreaterThanOrEqualTo(POLICY.feeFor(tx.size()));
    assertThat(
            Interpreter.verifyInput(
                    tx, 0, new TxOutput(300_000, OWN), ScriptFlags.POST_GENESIS_STANDARD)
                .ok())
        .isTrue();
  }

  @Test
  void changeBelowDustGoesToTheFeeAndShortFundsAreRefused() {
    P2pkhSpend.Spend spend =
        P2pkhSpend.build(
            KEY,
            List.of(coin(1, 100_200, true)),
            List.of(new TxOutput(100_000, ELSEWHERE)),
            POLICY);
    assertThat(spend.changeIndex()).isEqualTo(-1);
    assertThat(spend.feeSats()).isEqualTo(200);
    assertThatThrownBy(
            () ->
                P2pkhSpend.build(
                    KEY,
                    List.of(coin(1, 100_050, true)),
                    List.of(new TxOutput(100_000, ELSEWHERE)),
                    POLICY))
        .isInstanceOf(P2pkhSpend.InsufficientFundsException.class);
    assertThatThrownBy(
            () ->
                P2pkhSpend.build(
                    KEY,
                    List.of(coin(1, 100_000, true)),
                    List.of(new TxOutput(100, ELSEWHERE)),
                    POLICY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dust");
  }

  /**
   * Whatever the coins, a spend balances, meets the fee policy, creates no dust and every input
   * verifies.
   */
  @Property(tries = 60)
  void everySpendBalancesAndVerifies(
      @ForAll @Size(min = 1, max = 6) List<@LongRange(min = 1_000, max = 5_000_000) Long> values,
      @ForAll @LongRange(min = 135, max = 3_000_000) long pay) {
    List<P2pkhSpend.Coin> coins = new java.util.ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      coins.add(coin(i, values.get(i), i % 2 == 0));
    }
    P2pkhSpend.Spend spend;
    try {
      spend = P2pkhSpend.build(KEY, coins, List.of(new TxOutput(pay, ELSEWHERE)), POLICY);
    } catch (P2pkhSpend.InsufficientFundsException e) {
      assertThat(values.stream().mapToLong(Long::longValue).sum())
          .isLessThan(pay + POLICY.feeFor(200L * values.size() + 100));
      return;
    }
    Transaction tx = spend.transaction();
    long in = spend.inputs().stream().mapToLong(P2pkhSpend.Coin::satoshis).sum();
    long out = tx.outputs().stream().mapToLong(TxOutput::satoshis).sum();
    assertThat(in - out)
        .isEqualTo(spend.feeSats())
        .isGreaterThanOrEqualTo(POLICY.feeFor(tx.size()));
    assertThat(tx.outputs()).allMatch(o -> o.satoshis() >= POLICY.dustLimitSats());
    for (int i = 0; i < tx.inputs().size(); i++) {
      TxOutput spent = new TxOutput(spend.inputs().get(i).satoshis(), OWN);
      assertThat(Interpreter.verifyInput(tx, i, spent, ScriptFlags.POST_GENESIS_STANDARD).ok())
          .isTrue();
    }
  }
}
