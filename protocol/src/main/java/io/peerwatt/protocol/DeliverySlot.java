package io.peerwatt.protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quarter-hour delivery interval in UTC, written as ISO 8601 {@code 2026-11-25T10:00Z/PT15M}.
 *
 * <p>The start lies on a quarter-hour boundary, seconds are zero and the length is always {@code
 * PT15M}: slots are UTC so that a daylight-saving change can neither lengthen nor shorten one.
 * {@link #parse} accepts exactly the text {@link #toString} writes and nothing else.
 */
public record DeliverySlot(Instant start) implements Comparable<DeliverySlot> {

  /** The only slot length the market trades. */
  public static final Duration LENGTH = Duration.ofMinutes(15);

  private static final Pattern TEXT =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2})Z/PT15M");
  private static final DateTimeFormatter START =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm").withResolverStyle(ResolverStyle.STRICT);

  /**
   * @throws IllegalArgumentException if the start is not on a UTC quarter-hour boundary
   */
  public DeliverySlot {
    Objects.requireNonNull(start, "start");
    if (start.getEpochSecond() % LENGTH.getSeconds() != 0 || start.getNano() != 0) {
      throw new IllegalArgumentException(
          "slot start " + start + " is not on a quarter-hour boundary");
    }
  }

  /** The slot starting at {@code start}, which must be on a UTC quarter-hour boundary. */
  public static DeliverySlot startingAt(Instant start) {
    return new DeliverySlot(start);
  }

  /** The slot containing {@code instant} (start inclusive, end exclusive). */
  public static DeliverySlot containing(Instant instant) {
    long seconds =
        Math.floorDiv(instant.getEpochSecond(), LENGTH.getSeconds()) * LENGTH.getSeconds();
    return new DeliverySlot(Instant.ofEpochSecond(seconds));
  }

  /**
   * Parses {@code 2026-11-25T10:00Z/PT15M}.
   *
   * @throws IllegalArgumentException naming what is wrong, for any other text
   */
  public static DeliverySlot parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "slot must be a UTC quarter-hour like 2026-11-25T10:00Z/PT15M, got '" + text + "'");
    }
    Instant start;
    try {
      start = LocalDateTime.parse(m.group(1), START).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("slot '" + text + "' has an invalid date or time", e);
    }
    if (start.getEpochSecond() % LENGTH.getSeconds() != 0) {
      throw new IllegalArgumentException(
          "slot '" + text + "' does not start on a quarter-hour (:00, :15, :30, :45)");
    }
    return new DeliverySlot(start);
  }

  /** First instant after the slot. */
  public Instant end() {
    return start.plus(LENGTH);
  }

  /** The following slot. */
  public DeliverySlot next() {
    return new DeliverySlot(end());
  }

  @Override
  public int compareTo(DeliverySlot other) {
    return start.compareTo(other.start);
  }

  /** ISO 8601 interval, e.g. {@code 2026-11-25T10:00Z/PT15M}. */
  @Override
  public String toString() {
    return START.format(LocalDateTime.ofInstant(start, ZoneOffset.UTC)) + "Z/PT15M";
  }
}
