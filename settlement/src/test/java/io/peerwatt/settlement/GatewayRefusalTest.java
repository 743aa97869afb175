package io.peerwatt.settlement;

import static io.peerwatt.settlement.JdbcSettlementTest.SLOT;
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
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.trading.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A buyer's gateway that refuses to pay: the payment is refused with the gateway's code, nothing moves. */
class GatewayRefusalTest extends GatewayHubFixture {

  @Test
  void aGatewaysRefusalIsTheRefusalRecordedWithItsCode() {
    gateways.register(buyer, buyerKey.publicKey().hex(), StrictHex.encode(buyerScript));
    openBuyerChannel("gw-buyer-2");
    service.settleDueSlots(SETTLE_AT);
    long paymentId = gateways.paymentRequests(buyer).getJsonArray("requests").getJsonObject(0).getLong("paymentId");
    assertThatThrownBy(() -> gateways.refuse(seller, paymentId, 606, "not mine")).isInstanceOf(ApiError.class);
    gateways.refuse(buyer, paymentId, RefusalReason.CHARGES_UNIMPORTED_ENERGY.code(), "the meter counted less");
    assertThat(gateways.paymentRequests(buyer).getJsonArray("requests")).isEmpty();
    service.dispatchPayments(SETTLE_AT.plusSeconds(10));
    PaymentOutcome outcome = only(JdbcSettlementTest.buyer).outcome();
    assertThat(outcome.status()).isEqualTo(PaymentStatus.REFUSED);
    assertThat(outcome.refusalCode()).isEqualTo(606);
    assertThat(hub.buyerChannel("gw-buyer-2").orElseThrow().payeeAmountSats()).isZero();
  }
}
