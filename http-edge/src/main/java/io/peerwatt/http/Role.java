package io.peerwatt.http;

/** What an account may do. The {@link #code()} is what the database and tokens hold. */
public enum Role {
  /** Produces and/or consumes energy, owns metering points, trades for itself. */
  PROSUMER("prosumer"),
  /** A grid operator or supplier: reads the metering data and reports of its zone. */
  UTILITY("utility"),
  /** Runs the platform: creates accounts, configures zones, sees everything. */
  OPERATOR("operator"),
  /**
   * A researcher, adviser or aggregator: reads what households share and privacy-safe aggregates.
   */
  THIRD_PARTY("third_party");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The role with this code, or null when there is none. */
  public static Role ofCode(String code) {
    for (Role r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    return null;
  }
}
