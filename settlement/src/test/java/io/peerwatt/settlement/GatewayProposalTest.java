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
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.trading.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A hub -> seller proposal whose gateway never signs the refund is given up, and its coin comes back. */
class GatewayProposalTest extends GatewayHubFixture {

  @Test
  void aProposalNobodyAnswersIsGivenUpAndItsCoinFreed() {
    gateways.register(seller, sellerKey.publicKey().hex(), StrictHex.encode(sellerScript));
    service.settleDueSlots(SETTLE_AT);
    assertThat(gateways.proposeSellerChannels()).hasSize(1);
    String id = gateways.channels(seller).getJsonArray("channels").getJsonObject(0).getString("channelId");
    long before = hub.sellers().channel(id).orElseThrow().terms().capacitySats();
    devnet.mineBlocks((int) GatewayChannels.PROPOSAL_PATIENCE_BLOCKS + 1);
    List<String> again = gateways.proposeSellerChannels();
    assertThat(hub.sellers().channel(id).orElseThrow().state()).isEqualTo(ChannelState.CLOSED);
    assertThat(again).hasSize(1).doesNotContain(id);
    assertThat(before).isEqualTo(10_000_000);
  }
}
