package io.peerwatt.trading.flex;

/** Which way a flexibility request moves the homes' consumption. */
public enum FlexDirection {
  /** Import less (discharge a battery): the zone's import capacity is short. */
  REDUCE_IMPORT("IMPORT_CAPACITY_LIMIT"),
  /** Export less (charge a battery, curtail an inverter): the zone's export capacity is short. */
  REDUCE_EXPORT("EXPORT_CAPACITY_LIMIT"),
  /** Both limits in one event: not a request the platform takes. */
  BOTH(null);

  private final String limitType;

  FlexDirection(String limitType) {
    this.limitType = limitType;
  }

  /** The OpenADR payload type of its limit. */
  public String limitType() {
    return limitType;
  }
}
