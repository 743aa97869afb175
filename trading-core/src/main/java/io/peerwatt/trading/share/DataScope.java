package io.peerwatt.trading.share;

import java.time.Instant;

/**
 * What an offer asks for and a grant allows: readings at {@code resolution}, import and/or export,
 * statements or not, of readings taken in [{@code periodFrom}, {@code periodTo}), at a price per
 * home per day of data.
 *
 * @param priceMilliCtPerHomeDay 0.001 ct per home per day of data delivered
 */
public record DataScope(
    DataResolution resolution,
    boolean importData,
    boolean exportData,
    boolean statements,
    Instant periodFrom,
    Instant periodTo,
    long priceMilliCtPerHomeDay) {

  /** The OAuth 2 scope string of this scope, e.g. {@code readings:hourly import statements}. */
  public String oauthScope() {
    StringBuilder s = new StringBuilder("readings:").append(resolution.code());
    if (importData) {
      s.append(" import");
    }
    if (exportData) {
      s.append(" export");
    }
    if (statements) {
      s.append(" statements");
    }
    return s.toString();
  }
}
