package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChannelStore} in memory: for tests and for a gateway that keeps its own file elsewhere.
 */
public final class InMemoryChannelStore implements ChannelStore {
  private final Map<String, PayerChannel> payers = new ConcurrentHashMap<>();
  private final Map<String, PayeeChannel> payees = new ConcurrentHashMap<>();
  private final Map<String, byte[]> fundings = new ConcurrentHashMap<>();
  private final Map<String, byte[]> closings = new ConcurrentHashMap<>();

  @Override
  public void savePayer(PayerChannel channel) {
    payers.put(channel.channelId(), channel);
  }

  @Override
  public void savePayee(PayeeChannel channel) {
    payees.put(channel.channelId(), channel);
  }

  @Override
  public void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx) {
    if (proposed.state() != ChannelState.PROPOSED) {
      throw new IllegalArgumentException("only a proposed channel is saved with its funding");
    }
    fundings.put(proposed.channelId(), fundingRawTx.clone());
    payers.put(proposed.channelId(), proposed);
  }

  @Override
  public void recordClosing(String channelId, boolean payerSide, byte[] closingTxid) {
    closings.put((payerSide ? "payer " : "payee ") + channelId, closingTxid.clone());
  }

  /** The closing transaction recorded for a side of a channel. */
  public Optional<byte[]> closing(String channelId, boolean payerSide) {
    return Optional.ofNullable(closings.get((payerSide ? "payer " : "payee ") + channelId))
        .map(byte[]::clone);
  }

  @Override
  public Optional<byte[]> proposedFunding(String channelId) {
    return Optional.ofNullable(fundings.get(channelId)).map(byte[]::clone);
  }

  @Override
  public Optional<PayerChannel> payer(String channelId) {
    return Optional.ofNullable(payers.get(channelId));
  }

  @Override
  public Optional<PayeeChannel> payee(String channelId) {
    return Optional.ofNullable(payees.get(channelId));
  }

  @Override
  public List<PayerChannel> payerChannels(ChannelState state) {
    return payers.values().stream().filter(c -> c.state() == state).toList();
  }

  @Override
  public List<PayeeChannel> payeeChannels(ChannelState state) {
    return payees.values().stream().filter(c -> c.state() == state).toList();
  }
}
