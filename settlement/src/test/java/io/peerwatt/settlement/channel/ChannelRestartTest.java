package io.peerwatt.settlement.channel;

import static io.peerwatt.db.schema.Tables.HUB_WALLET_OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import io.peerwatt.settlement.wallet.LoggedTransaction;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both channel directions through the hub with state in PostgreSQL, including crashes between
 * signing and persisting on either side.
 */
@ExtendWith(PostgresExtension.class)
class ChannelRestartTest {

  /**
   * Each test runs its own in-memory devnet, so wallet outputs from another test do not exist
   * there.
   */
  @BeforeEach
  void forgetOtherTestsWalletOutputs(DSLContext db) {
    db.deleteFrom(HUB_WALLET_OUTPUT).execute();
  }

  @Test
  void hubToSellerSurvivesCrashesBetweenSigningAndPersisting(DSLContext db) {
    ChannelFixture f = new ChannelFixture(new JdbcWalletStore(db, "custodial-buyer-3"));
    PrivateKey sellerKey = ChannelFixture.key(31);
    byte[] sellerScript = Script.p2pkh(sellerKey.publicKey().hash160()).bytes();
    PayeeKeeper seller = new PayeeKeeper(sellerKey, new JdbcChannelStore(db));
    PayerKeeper hub =
        new PayerKeeper(f.payerKey, f.payerWallet, new JdbcChannelStore(db), f.devnet);

    ChannelResult<PayerChannel> open =
        hub.open(
            "hs-1",
            ChannelDirection.HUB_TO_SELLER,
            "seller-7",
            sellerKey.publicKey(),
            sellerScript,
            600_000,
            f.devnet.tip().height() + 50,
            600_000,
            seller);
    assertThat(open.isOk()).as(open.detail()).isTrue();
    assertThat(hub.pay("hs-1", 10_000, seller).value()).isEqualTo(10_000);
    assertThat(hub.pay("hs-1", 5_000, seller).value()).isEqualTo(15_000);

    // payee crash: the payer signed #3 and the payee checked it but died before saving
    PayerChannel.Payment third =
        hub.channel("hs-1").orElseThrow().payIncrement(7_000, f.payerKey).orThrow();
    new JdbcChannelStore(db).savePayer(third.channel());
    PayeeChannel unsaved = seller.channel("hs-1").orElseThrow().receive(third.update()).orThrow();
    assertThat(unsaved.payeeAmountSats()).isEqualTo(22_000);
    PayeeKeeper sellerRestarted = new PayeeKeeper(sellerKey, new JdbcChannelStore(db));
    assertThat(sellerRestarted.channel("hs-1").orElseThrow().payeeAmountSats()).isEqualTo(15_000);
    // no acknowledgement came back, so the payer (restarted too) resends the stored commitment
    PayerKeeper hubRestarted =
        new PayerKeeper(f.payerKey, f.payerWallet, new JdbcChannelStore(db), f.devnet);
    assertThat(hubRestarted.resendLatest("hs-1", sellerRestarted).value()).isEqualTo(22_000);

    // payer crash: #4 signed but not saved; after restart the payer signs the same payment again,
    // byte for byte (RFC 6979), and nothing the payee holds conflicts with it
    PayerChannel stored = hubRestarted.channel("hs-1").orElseThrow();
    CommitmentUpdate lost = stored.payIncrement(1_000, f.payerKey).orThrow().update();
    CommitmentUpdate again =
        new PayerKeeper(f.payerKey, f.payerWallet, new JdbcChannelStore(db), f.devnet)
            .channel("hs-1")
            .orElseThrow()
            .payIncrement(1_000, f.payerKey)
            .orThrow()
            .update();
    assertThat(again).isEqualTo(lost);
    assertThat(hubRestarted.pay("hs-1", 1_000, sellerRestarted).value()).isEqualTo(23_000);

    // the seller closes with the newest state from its store after one more restart
    PayeeKeeper sellerAgain = new PayeeKeeper(sellerKey, new JdbcChannelStore(db));
    Transaction closing = sellerAgain.closingTransaction("hs-1").orThrow();
    assertThat(closing.outputs().get(0).satoshis()).isEqualTo(23_000);
    BroadcastResult r = f.devnet.broadcast(closing.serialize());
    assertThat(r.isAccepted()).as(r.detail()).isTrue();
    hubRestarted.closedByPayee("hs-1", closing);
    f.devnet.mineBlocks(1);
    assertThat(f.devnet.status(closing.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    assertThat(hubRestarted.channel("hs-1").orElseThrow().state()).isEqualTo(ChannelState.CLOSED);
  }

  @Test
  void custodialBuyerPaysTheHubWhichClosesBeforeExpiry(DSLContext db) {
    ChannelFixture f = new ChannelFixture(new JdbcWalletStore(db, "custodial-buyer-3"));
    JdbcTransactionLog log = new JdbcTransactionLog(db);
    PrivateKey hubKey = ChannelFixture.key(41);
    HubWallet hubWallet =
        new HubWallet(ChannelFixture.key(42), f.devnet, new JdbcWalletStore(db), log);
    HubChannels hub = new HubChannels(hubKey, hubWallet, new JdbcChannelStore(db), f.devnet, log);
    // the custodial store pays for buyer "buyer-3" with the fixture's funded wallet and key
    PayerKeeper custodial =
        new PayerKeeper(f.payerKey, f.payerWallet, new JdbcChannelStore(db), f.devnet);

    long expiry = f.devnet.tip().height() + 5;
    assertThat(
            custodial
                .open(
                    "bh-1",
                    ChannelDirection.BUYER_TO_HUB,
                    "buyer-3",
                    hub.hubKey(),
                    hub.hubPayeeScript(),
                    300_000,
                    expiry,
                    100_000,
                    hub.buyers())
                .isOk())
        .isTrue();
    assertThat(custodial.pay("bh-1", 40_000, hub.buyers()).value()).isEqualTo(40_000);
    assertThat(custodial.pay("bh-1", 70_000, hub.buyers()).rejection())
        .isEqualTo(ChannelRejection.EXCEEDS_SPENDING_CAP);
    assertThat(custodial.pay("bh-1", 2_000, hub.buyers()).value()).isEqualTo(42_000);

    f.devnet.mineBlocks(1);
    assertThat(hub.closeExpiring(2)).isEmpty();
    f.devnet.mineBlocks(2);
    List<BroadcastResult> closed = hub.closeExpiring(2);
    assertThat(closed).hasSize(1).allMatch(BroadcastResult::isAccepted);
    f.devnet.mineBlocks(1);
    assertThat(hub.syncClosed()).isEqualTo(1);
    assertThat(hubWallet.balanceSats()).isEqualTo(42_000);
    // the buyer's refund cannot take the money back even after expiry
    f.devnet.mineBlocks(2);
    assertThat(custodial.refund("bh-1").isAccepted()).isFalse();
    List<LoggedTransaction> logged = log.all();
    assertThat(logged).anyMatch(t -> t.made() && t.purpose().equals("channel-close"));
  }
}
