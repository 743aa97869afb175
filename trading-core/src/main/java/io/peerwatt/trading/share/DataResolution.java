package io.peerwatt.trading.share;

import java.time.Duration;

/**
 * How finely a grant's readings are delivered; {@link #code()} is what the API and database hold.
 */
public enum DataResolution {
  QUARTER_HOUR("15min", Duration.ofMinutes(15)),
  HOURLY("hourly", Duration.ofHours(1)),
  DAILY("daily", Duration.ofDays(1));

  private final String code;
  private final Duration step;

  DataResolution(String code, Duration step) {
    this.code = code;
    this.step = step;
  }

  public String code() {
    return code;
  }

  /** The length of one interval of data at this resolution. */
  public Duration step() {
    return step;
  }

  /** The resolution with this code, or null when there is none. */
  public static DataResolution ofCode(String code) {
    for (DataResolution r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    return null;
  }
}
