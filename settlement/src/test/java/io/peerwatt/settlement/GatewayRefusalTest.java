package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.settlement.api.GatewayJson;
import io.peerwatt.settlement.m2m.GatewayRefusal;
import org.junit.jupiter.api.Test;

/**
 * A buyer's gateway that refuses to pay: the payment is refused with the gateway's code, nothing
 * moves.
 */
class GatewayRefusalTest extends GatewayHubFixture {

  @Test
  void aGatewaysRefusalIsTheRefusalRecordedWithItsCode() {
    gateways.register(buyer, buyerKey.publicKey().hex(), StrictHex.encode(buyerScript));
    openBuyerChannel("gw-buyer-2");
    service.settleDueSlots(SETTLE_AT);
    long paymentId =
        GatewayJson.paymentRequests(gateways.paymentRequests(buyer))
            .getJsonArray("requests")
            .getJsonObject(0)
            .getLong("paymentId");
    assertThatThrownBy(() -> gateways.refuse(seller, paymentId, 606, "not mine"))
        .isInstanceOf(GatewayRefusal.class);
    gateways.refuse(
        buyer, paymentId, RefusalReason.CHARGES_UNIMPORTED_ENERGY.code(), "the meter counted less");
    assertThat(
            GatewayJson.paymentRequests(gateways.paymentRequests(buyer)).getJsonArray("requests"))
        .isEmpty();
    service.dispatchPayments(SETTLE_AT.plusSeconds(10));
    PaymentOutcome outcome = only(JdbcSettlementTest.buyer).outcome();
    assertThat(outcome.status()).isEqualTo(PaymentStatus.REFUSED);
    assertThat(outcome.refusalCode()).isEqualTo(606);
    assertThat(hub.buyerChannel("gw-buyer-2").orElseThrow().payeeAmountSats()).isZero();
  }
}
