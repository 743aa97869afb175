package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.statement.PaymentCheck;
import io.peerwatt.protocol.statement.PaymentDecision;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.api.GatewayJson;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.m2m.GatewayRefusal;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Machine-to-machine payments end to end on the hub's side: the hub pays the seller's gateway (paid
 * once the gateway acknowledged the commitment), is paid by the buyer's gateway to exactly the
 * target (a commitment for more is refused), and relays the seller gateway's close and closes the
 * buyer's channel; every transaction goes through the devnet's interpreter and is mined.
 */
class GatewayPaymentsTest extends GatewayHubFixture {

  @Test
  void gatewaysPayAndArePaidOverTheirOwnChannelsAndCloseThem() {
    gateways.register(seller, sellerKey.publicKey().hex(), StrictHex.encode(sellerScript));
    gateways.register(buyer, buyerKey.publicKey().hex(), StrictHex.encode(buyerScript));
    PayerChannel buyerSide = openBuyerChannel("gw-buyer-1");
    assertThat(gateways.sellerChannels().propose()).as("nobody is owed anything yet").isEmpty();

    service.settleDueSlots(SETTLE_AT);
    long sellerOwed = only(JdbcSettlementTest.seller).payment().amountSat();
    long buyerOwes = -only(JdbcSettlementTest.buyer).payment().amountSat();
    assertThat(sellerOwed).isPositive();
    assertThat(buyerOwes).isPositive();
    // the seller is owed: the hub proposes its channel, the gateway signs the refund, then it is
    // paid
    PayeeChannel sellerSide = acceptSellerChannel();
    devnet.mineBlocks(1);
    service.dispatchPayments(SETTLE_AT.plusSeconds(5));
    assertThat(only(JdbcSettlementTest.seller).outcome().status())
        .as("not acknowledged yet")
        .isEqualTo(PaymentStatus.PENDING);

    // the seller's gateway takes the hub's commitment, stores it, acknowledges it
    JsonObject item =
        GatewayJson.channels(gateways.channels(seller)).getJsonArray("channels").getJsonObject(0);
    CommitmentUpdate update =
        ChannelJson.readUpdate(Json.parseObject(item.getJsonObject("latest").encode()));
    sellerSide = sellerSide.receive(update).orThrow();
    assertThat(sellerSide.payeeAmountSats()).isEqualTo(sellerOwed);
    gateways.acknowledge(seller, sellerSide.channelId(), sellerSide.sequence());
    assertThatThrownBy(() -> gateways.acknowledge(seller, item.getString("channelId"), 2))
        .as("the hub signed only #1")
        .isInstanceOf(GatewayRefusal.class);

    // the buyer's gateway reads the request, checks the statement against its own readings, pays
    // the target
    JsonObject request =
        GatewayJson.paymentRequests(gateways.paymentRequests(buyer))
            .getJsonArray("requests")
            .getJsonObject(0);
    assertThat(request.getString("channelId")).isEqualTo("gw-buyer-1");
    assertThat(request.getLong("targetPayeeSats")).isEqualTo(buyerOwes);
    Statement statement =
        StatementJson.read(request.getJsonArray("versions").getJsonObject(0).encode());
    PaymentDecision decision =
        new PaymentCheck()
            .check(
                statement,
                Optional.empty(),
                buyer.accountId(),
                buyersOwnReadings(),
                new SpendingCap(1_000_000_000, 0));
    assertThat(decision.approved()).as(decision.detail()).isTrue();
    assertThat(decision.paySat()).isEqualTo(buyerOwes);
    long paymentId = request.getLong("paymentId");
    CommitmentUpdate tooMuch = buyerSide.pay(buyerOwes + 1, buyerKey).orThrow().update();
    assertThatThrownBy(() -> gateways.deliver(buyer, "gw-buyer-1", paymentId, tooMuch))
        .isInstanceOf(GatewayRefusal.class)
        .hasMessageContaining("exactly");
    PayerChannel.Payment pay = buyerSide.pay(buyerOwes, buyerKey).orThrow();
    assertThat(gateways.deliver(buyer, "gw-buyer-1", paymentId, pay.update())).isEqualTo(buyerOwes);
    assertThat(gateways.deliver(buyer, "gw-buyer-1", paymentId, pay.update()))
        .as("a resend is acknowledged again")
        .isEqualTo(buyerOwes);

    assertThat(service.dispatchPayments(SETTLE_AT.plusSeconds(10))).isEqualTo(2);
    assertThat(only(JdbcSettlementTest.seller).outcome().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(only(JdbcSettlementTest.buyer).outcome().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(
            GatewayJson.paymentRequests(gateways.paymentRequests(buyer)).getJsonArray("requests"))
        .isEmpty();

    // the seller's gateway closes its channel through the hub; the hub closes the buyer's on
    // request
    Transaction closing = sellerSide.closingTransaction(sellerKey).orThrow();
    assertThat(
            GatewayJson.relayed(gateways.relay(seller, StrictHex.encode(closing.serialize())))
                .getString("outcome"))
        .isEqualTo("ACCEPTED");
    assertThat(gateways.sellerChannels().requestedCloses())
        .containsEntry(sellerSide.channelId(), closing.txidHex());
    assertThat(hub.sellers().channel(sellerSide.channelId()).orElseThrow().state())
        .isEqualTo(ChannelState.CLOSED);
    assertThat(
            GatewayJson.closed(gateways.closeBuyerChannel(buyer, "gw-buyer-1")).getString("state"))
        .isEqualTo("closing");
    JsonObject closed =
        GatewayJson.channels(gateways.channels(buyer)).getJsonArray("channels").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("channelId").equals("gw-buyer-1"))
            .findFirst()
            .orElseThrow();
    Transaction buyerClose = Transaction.parseHex(closed.getString("closingTx"));
    assertThat(buyerClose.outputs().get(0).satoshis()).isEqualTo(buyerOwes);
    assertThat(buyerClose.outputs().get(1).lockingScript())
        .as("the buyer's change")
        .isEqualTo(buyerScript);
    assertThat(
            Interpreter.verifyInput(
                    buyerClose,
                    0,
                    new TxOutput(
                        20_000_000, ChannelTerms.fundingScript(buyerKey.publicKey(), hub.hubKey())),
                    ScriptFlags.POST_GENESIS_STANDARD)
                .ok())
        .isTrue();
    devnet.mineBlocks(1);
    assertThat(devnet.status(buyerClose.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    assertThat(devnet.status(closing.txidHex()).state()).isEqualTo(TxStatus.State.MINED);

    Transaction unrelated = Transaction.parse(devnet.faucet(buyerScript, 1_000).rawTx());
    assertThatThrownBy(() -> gateways.relay(buyer, StrictHex.encode(unrelated.serialize())))
        .isInstanceOf(GatewayRefusal.class)
        .satisfies(
            e -> assertThat(((GatewayRefusal) e).code()).isEqualTo("NOT_A_CHANNEL_TRANSACTION"));
  }
}
