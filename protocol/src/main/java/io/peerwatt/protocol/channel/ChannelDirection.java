package io.peerwatt.protocol.channel;

/** Which way a channel pays, with the code stored in {@code payment_channel.direction}. */
public enum ChannelDirection {
  /** A buying prosumer pays the platform hub (payer = buyer). */
  BUYER_TO_HUB("buyer_to_hub"),
  /** The hub pays a selling prosumer (payer = hub). */
  HUB_TO_SELLER("hub_to_seller");

  private final String code;

  ChannelDirection(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static ChannelDirection fromCode(String code) {
    for (ChannelDirection d : values()) {
      if (d.code.equals(code)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown channel direction " + code);
  }
}
