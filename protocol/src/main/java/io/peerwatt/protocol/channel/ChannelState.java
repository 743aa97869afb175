package io.peerwatt.protocol.channel;

/**
 * Lifecycle of one side's view of a channel, with the code stored in {@code payment_channel.state}.
 */
public enum ChannelState {
  /** Terms agreed, the refund not yet signed: the funding must not be broadcast. */
  PROPOSED("proposed"),
  /** The payer holds the payee-signed refund; commitments may flow. */
  OPEN("open"),
  /** The newest commitment was co-signed and broadcast; waiting for it to be mined. */
  CLOSING("closing"),
  /** The closing commitment is on chain. */
  CLOSED("closed"),
  /** The payer took its funds back through the refund after expiry. */
  REFUNDED("refunded");

  private final String code;

  ChannelState(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static ChannelState fromCode(String code) {
    for (ChannelState s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown channel state " + code);
  }
}
