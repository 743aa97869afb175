package io.peerwatt.settlement.m2m;

import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import java.util.List;
import java.util.Optional;

/**
 * What {@link GatewayChannels} answers a gateway with: the hub's state as that gateway may see it.
 */
public final class GatewayViews {
  private GatewayViews() {}

  /**
   * What a gateway reads before it opens its channel: its account's mode and wallet, the hub's keys
   * and terms, and the chain's state.
   *
   * @param wallet the registered wallet, when the account pays machine to machine
   * @param faucet whether the devnet faucet answers
   */
  public record HubInfo(
      DeviceCaller caller,
      String paymentMode,
      String network,
      PublicKey hubKey,
      byte[] hubScript,
      FeePolicy feePolicy,
      ChainHeader tip,
      GatewayChannels.Terms terms,
      boolean faucet,
      Optional<GatewayRegistry.GatewayWallet> wallet) {}

  /**
   * A buyer -> hub channel the hub accepted: the refund signature the gateway stores before
   * funding.
   */
  public record AcceptedChannel(String channelId, byte[] refundSignature) {}

  /**
   * The account's channels as the hub sees them.
   *
   * @param sellerChannels hub -> seller channels with the gateway's acknowledgements and close
   *     requests
   * @param buyerChannels buyer -> hub channels with their closing transaction once closed
   */
  public record ChannelsView(
      List<SellerChannel> sellerChannels, List<BuyerChannel> buyerChannels) {}

  /**
   * A hub -> seller channel of the gateway.
   *
   * @param proposedFunding the funding to check before signing the refund, while the channel is
   *     proposed
   */
  public record SellerChannel(
      PayerChannel channel,
      long ackedSequence,
      boolean closeRequested,
      Optional<byte[]> proposedFunding) {}

  /**
   * A buyer -> hub channel of the gateway; {@code closingTx} once the hub closed it with a payment
   * on it.
   */
  public record BuyerChannel(PayeeChannel channel, Optional<Transaction> closingTx) {}

  /**
   * A debit waiting for the gateway's signature.
   *
   * @param channelId the channel to pay on, or null while the gateway has no buyer channel open
   * @param targetPayeeSats the exact payee amount the commitment must reach, or null with no
   *     channel
   * @param versions every version of the statement up to the one being paid, oldest first
   */
  public record PaymentRequest(
      long paymentId,
      long amountSat,
      SlotKey key,
      int version,
      String channelId,
      Long targetPayeeSats,
      List<Statement> versions) {}

  /**
   * What closing a buyer channel did: its state, and the closing txid when the hub closed it now.
   */
  public record Closed(String channelId, ChannelState state, String closingTxid) {}

  /** A transaction relayed for a channel of the gateway. */
  public record Relayed(String channelId, BroadcastResult sent) {}
}
