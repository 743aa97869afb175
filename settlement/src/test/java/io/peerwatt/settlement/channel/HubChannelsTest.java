package io.peerwatt.settlement.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import org.junit.jupiter.api.Test;

/** The hub refuses buyer channels whose terms would not let it collect. */
class HubChannelsTest {
  private final ChannelFixture f = new ChannelFixture();
  private final PrivateKey hubKey = ChannelFixture.key(61);
  private final HubWallet hubWallet =
      new HubWallet(
          ChannelFixture.key(62),
          f.devnet,
          new InMemoryWalletStore(),
          new InMemoryTransactionLog());
  private final HubChannels hub =
      new HubChannels(
          hubKey, hubWallet, new InMemoryChannelStore(), f.devnet, new InMemoryTransactionLog());
  private final PayerKeeper buyer =
      new PayerKeeper(f.payerKey, f.payerWallet, new InMemoryChannelStore(), f.devnet);

  private ChannelResult<PayerChannel> open(String id, byte[] payeeScript, long expiry) {
    return buyer.open(
        id,
        ChannelDirection.BUYER_TO_HUB,
        "buyer",
        hub.hubKey(),
        payeeScript,
        100_000,
        expiry,
        100_000,
        hub.buyers());
  }

  @Test
  void refusesTermsThatPayElsewhereOrExpireTooSoon() {
    long tip = f.devnet.tip().height();
    byte[] elsewhere = Script.p2pkh(f.payerKey.publicKey().hash160()).bytes();
    assertThat(open("x-1", elsewhere, tip + 50).rejection()).isEqualTo(ChannelRejection.BAD_TERMS);
    assertThat(open("x-2", hub.hubPayeeScript(), tip + 1).rejection())
        .isEqualTo(ChannelRejection.BAD_TERMS);
    long balance = f.payerWallet.balanceSats();
    assertThat(balance).as("refused opens release the funding coins").isEqualTo(5_000_000);
    ChannelResult<PayerChannel> ok = open("x-3", hub.hubPayeeScript(), tip + 50);
    assertThat(ok.isOk()).as(ok.detail()).isTrue();
    assertThat(hub.buyerChannel("x-3")).isPresent();
    assertThat(hub.buyerChannel("x-1")).isEmpty();
  }

  @Test
  void refusesAFeeBelowPolicyAndTheWrongDirection() {
    ChannelFixture.Opened o = f.prepare("x-4", 100_000, f.devnet.tip().height() + 50);
    ChannelTerms t = o.terms();
    ChannelTerms cheap =
        new ChannelTerms(
            t.channelId(),
            ChannelDirection.BUYER_TO_HUB,
            "buyer",
            t.payerKey(),
            hub.hubKey(),
            t.payerScript(),
            hub.hubPayeeScript(),
            t.capacitySats(),
            1,
            t.dustLimitSats(),
            t.expiryLockTime(),
            t.fundingTxid(),
            t.fundingIndex());
    assertThat(hub.unacceptableBuyerTerms(cheap)).contains("fee");
    ChannelTerms wrongWay =
        new ChannelTerms(
            t.channelId(),
            ChannelDirection.HUB_TO_SELLER,
            "buyer",
            t.payerKey(),
            hub.hubKey(),
            t.payerScript(),
            hub.hubPayeeScript(),
            t.capacitySats(),
            t.feeSats(),
            t.dustLimitSats(),
            t.expiryLockTime(),
            t.fundingTxid(),
            t.fundingIndex());
    assertThat(hub.unacceptableBuyerTerms(wrongWay)).contains("buyer_to_hub");
    f.payerWallet.release(o.funding());
  }
}
