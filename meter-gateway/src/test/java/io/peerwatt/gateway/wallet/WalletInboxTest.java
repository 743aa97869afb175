package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a chain without a faucet, the owner funds the gateway's wallet by handing it a transaction.
 */
class WalletInboxTest {
  @TempDir Path dir;
  private WalletHarness h;

  @AfterEach
  void close() throws Exception {
    if (h != null) {
      assertThat(h.hub.violations()).isEmpty();
      h.close();
    }
  }

  @Test
  void aTransactionTheOwnerHandsInBecomesCoinsAndFundsTheChannel() throws Exception {
    h =
        new WalletHarness(
            dir, WalletHarness.config(1_000_000), Instant.parse("2026-11-25T10:00:00Z"));
    h.hub.faucet = false;
    h.step();
    assertThat(h.state().coins).isEmpty();
    assertThat(h.state().openPayer()).as("nothing to fund it with").isEmpty();

    byte[] own = Script.p2pkh(h.channelKey().publicKey().hash160()).bytes();
    Transaction funding = h.hub.pay(own, 5_000_000);
    assertThat(WalletInbox.deliver(dir, h.channelKey().publicKey(), funding)).isEqualTo(5_000_000);
    Transaction elsewhere = h.hub.pay(Script.p2pkh(new byte[20]).bytes(), 1_000);
    assertThatThrownBy(() -> WalletInbox.deliver(dir, h.channelKey().publicKey(), elsewhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pays nothing");

    h.step();
    assertThat(WalletInbox.waiting(dir.resolve(WalletConfig.DIR))).isEmpty();
    assertThat(h.openPayer().channel().terms().capacitySats()).isEqualTo(2_000_000);
    assertThat(WalletHarness.coinsOf(h.state())).isEqualTo(h.chainCoins());
    assertThat(WalletInbox.address(h.channelKey().publicKey(), false))
        .matches("[mn][1-9A-HJ-NP-Za-km-z]{25,34}");
  }
}
