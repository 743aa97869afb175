package io.peerwatt.settlement;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * When slots are settled and how readings are judged.
 *
 * @param graceWindow how long after a slot ends its readings may still arrive before the first
 *     settlement (e.g. 5 minutes)
 * @param resettlementWindow how long after a slot ends late data still re-settles it (e.g. 48
 *     hours)
 * @param resettlementWindowByZone zone codes whose window differs from the default
 * @param estimateThreshold readings further apart than this around a slot boundary make it
 *     estimated (e.g. 5 minutes)
 */
public record SettlementPolicy(
    Duration graceWindow,
    Duration resettlementWindow,
    Map<String, Duration> resettlementWindowByZone,
    Duration estimateThreshold) {

  public SettlementPolicy {
    Objects.requireNonNull(graceWindow, "graceWindow");
    Objects.requireNonNull(resettlementWindow, "resettlementWindow");
    Objects.requireNonNull(estimateThreshold, "estimateThreshold");
    resettlementWindowByZone = new TreeMap<>(resettlementWindowByZone);
    if (graceWindow.isNegative() || estimateThreshold.isNegative()) {
      throw new IllegalArgumentException(
          "grace window and estimate threshold must not be negative");
    }
    for (Duration w : resettlementWindowByZone.values()) {
      if (w.compareTo(graceWindow) < 0) {
        throw new IllegalArgumentException(
            "a re-settlement window must not be shorter than the grace window");
      }
    }
    if (resettlementWindow.compareTo(graceWindow) < 0) {
      throw new IllegalArgumentException(
          "the re-settlement window must not be shorter than the grace window");
    }
  }

  /** Grace 5 min, re-settlement 48 h, estimated beyond 5 min between readings. */
  public static SettlementPolicy defaults() {
    return new SettlementPolicy(
        Duration.ofMinutes(5), Duration.ofHours(48), Map.of(), Duration.ofMinutes(5));
  }

  /** The re-settlement window of {@code zoneCode}. */
  public Duration windowOf(String zoneCode) {
    return resettlementWindowByZone.getOrDefault(zoneCode, resettlementWindow);
  }

  /** The longest window of any zone. */
  public Duration longestWindow() {
    Duration longest = resettlementWindow;
    for (Duration w : resettlementWindowByZone.values()) {
      if (w.compareTo(longest) > 0) {
        longest = w;
      }
    }
    return longest;
  }
}
