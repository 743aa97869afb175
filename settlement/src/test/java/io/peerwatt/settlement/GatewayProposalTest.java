package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.settlement.api.GatewayJson;
import io.peerwatt.settlement.m2m.SellerChannelPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hub -> seller proposal whose gateway never signs the refund is given up, and its coin comes
 * back.
 */
class GatewayProposalTest extends GatewayHubFixture {

  @Test
  void aProposalNobodyAnswersIsGivenUpAndItsCoinFreed() {
    gateways.register(seller, sellerKey.publicKey().hex(), StrictHex.encode(sellerScript));
    service.settleDueSlots(SETTLE_AT);
    assertThat(gateways.sellerChannels().propose()).hasSize(1);
    String id =
        GatewayJson.channels(gateways.channels(seller))
            .getJsonArray("channels")
            .getJsonObject(0)
            .getString("channelId");
    long before = hub.sellers().channel(id).orElseThrow().terms().capacitySats();
    devnet.mineBlocks((int) SellerChannelPolicy.PROPOSAL_PATIENCE_BLOCKS + 1);
    List<String> again = gateways.sellerChannels().propose();
    assertThat(hub.sellers().channel(id).orElseThrow().state()).isEqualTo(ChannelState.CLOSED);
    assertThat(again).hasSize(1).doesNotContain(id);
    assertThat(before).isEqualTo(10_000_000);
  }
}
