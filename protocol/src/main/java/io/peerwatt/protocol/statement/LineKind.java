package io.peerwatt.protocol.statement;

/**
 * What a statement line is for. Codes are stable (stored, hashed); amounts are from the prosumer's
 * side: positive = the prosumer receives, negative = the prosumer pays.
 */
public enum LineKind {
  /** Buyer, per trade: the energy it bought, at the trade price (paid whatever was delivered). */
  ENERGY_PURCHASE(1),
  /**
   * Buyer, per trade: the zone's grid fee on the bought energy, collected for the grid operator.
   */
  GRID_FEE(2),
  /** Seller, per trade: its share of min(sold, metered export), at the trade price. */
  ENERGY_SALE(3),
  /** Seller: energy sold but not exported, charged at the zone's imbalance price. */
  SELLER_SHORTFALL(4),
  /**
   * Buyer: energy bought but not imported, per trade, credited at the lower of the zone's imbalance
   * price and the trade's price.
   */
  BUYER_UNDER_IMPORT(5),
  /** Buyer: energy imported beyond what it bought, charged at the zone's imbalance price. */
  BUYER_EXCESS_IMPORT(6),
  /**
   * Household, per flexibility acceptance ({@code tradeId} = the acceptance): flexibility its meter
   * showed delivered in the slot, at most what it accepted, at the request's price.
   */
  FLEXIBILITY_DELIVERY(7),
  /** Third party, per data grant ({@code tradeId} = the grant): days of a home's data delivered. */
  DATA_PURCHASE(8),
  /** Household, per data grant: what the third party paid for the days of its data delivered. */
  DATA_SALE(9),
  /** Household, per data grant: the zone's platform fee on its data sale. */
  DATA_PLATFORM_FEE(10);

  private final int code;

  LineKind(int code) {
    this.code = code;
  }

  /** Stable code for storage and the canonical encoding. */
  public int code() {
    return code;
  }

  /**
   * +1 when the prosumer receives the line's amount, -1 when it pays it (for non-negative prices).
   */
  public int sign() {
    return this == ENERGY_SALE
            || this == BUYER_UNDER_IMPORT
            || this == FLEXIBILITY_DELIVERY
            || this == DATA_SALE
        ? 1
        : -1;
  }

  /** The kind with this code. @throws IllegalArgumentException for an unknown code */
  public static LineKind ofCode(int code) {
    for (LineKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown line kind code " + code);
  }
}
