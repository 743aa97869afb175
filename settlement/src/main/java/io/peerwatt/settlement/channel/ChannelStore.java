package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.util.List;
import java.util.Optional;

/**
 * Where one side keeps its channels. A save is durable when it returns: the payee saves an accepted
 * commitment before acknowledging it, the payer saves a signed one before sending it.
 */
public interface ChannelStore {

  void savePayer(PayerChannel channel);

  void savePayee(PayeeChannel channel);

  /**
   * Saves a payer channel in state PROPOSED together with its funding transaction, which waits for
   * the payee's refund signature before it may be broadcast.
   */
  void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx);

  /**
   * Records the transaction that spent a channel's funding (a close or a refund), on the payer's
   * ({@code payerSide}) or the payee's record of the channel; a channel not kept on that side is
   * left alone.
   */
  void recordClosing(String channelId, boolean payerSide, byte[] closingTxid);

  /** The funding transaction saved with a payer proposal. */
  Optional<byte[]> proposedFunding(String channelId);

  Optional<PayerChannel> payer(String channelId);

  Optional<PayeeChannel> payee(String channelId);

  /** Payer-side channels in {@code state}. */
  List<PayerChannel> payerChannels(ChannelState state);

  /** Payee-side channels in {@code state}. */
  List<PayeeChannel> payeeChannels(ChannelState state);

  /** Payer-side channels with {@code counterparty} (the prosumer account), in every state. */
  default List<PayerChannel> payerChannelsWith(String counterparty) {
    return java.util.Arrays.stream(ChannelState.values())
        .flatMap(s -> payerChannels(s).stream())
        .filter(c -> c.terms().prosumerAccount().equals(counterparty))
        .toList();
  }

  /** Payee-side channels with {@code counterparty} (the prosumer account), in every state. */
  default List<PayeeChannel> payeeChannelsWith(String counterparty) {
    return java.util.Arrays.stream(ChannelState.values())
        .flatMap(s -> payeeChannels(s).stream())
        .filter(c -> c.terms().prosumerAccount().equals(counterparty))
        .toList();
  }
}
