package io.peerwatt.gateway.control;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local hours in which the owner lets the platform steer the device, e.g. {@code
 * "07:00-22:00"}; {@code "22:00-06:00"} runs over midnight and {@code "00:00-24:00"} is the whole
 * day.
 *
 * @param from start, inclusive
 * @param until end, exclusive; null means midnight at the end of the day ("24:00")
 */
public record AllowedHours(LocalTime from, LocalTime until) {
  private static final Pattern FORM = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

  public AllowedHours {
    if (from.equals(until)) {
      throw new IllegalArgumentException("allowedHours must not start and end at the same time");
    }
  }

  /** The whole day. */
  public static final AllowedHours ALL_DAY = new AllowedHours(LocalTime.MIDNIGHT, null);

  /** Parses {@code "HH:MM-HH:MM"}; a bad one throws {@link IllegalArgumentException} saying why. */
  public static AllowedHours parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "allowedHours must look like \"07:00-22:00\" (local HH:MM-HH:MM), got \"" + text + "\"");
    }
    try {
      LocalTime from = LocalTime.parse(m.group(1));
      LocalTime until = m.group(2).equals("24:00") ? null : LocalTime.parse(m.group(2));
      return new AllowedHours(from, until);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "allowedHours has a time that does not exist: \"" + text + "\"");
    }
  }

  /** True when every instant of [start, end) lies inside the allowed hours in {@code zone}. */
  public boolean covers(Instant start, Instant end, ZoneId zone) {
    ZonedDateTime local = start.atZone(zone);
    LocalTime t = local.toLocalTime();
    long dayMs = Duration.ofDays(1).toMillis();
    long fromMs = from.toNanoOfDay() / 1_000_000;
    long untilMs = until == null ? dayMs : until.toNanoOfDay() / 1_000_000;
    long tMs = t.toNanoOfDay() / 1_000_000;
    long remainingMs;
    if (fromMs < untilMs) {
      if (tMs < fromMs || tMs >= untilMs) {
        return false;
      }
      remainingMs = untilMs - tMs;
      if (fromMs == 0 && untilMs == dayMs) {
        return true;
      }
    } else if (tMs >= fromMs) {
      remainingMs = dayMs - tMs + untilMs;
    } else if (tMs < untilMs) {
      remainingMs = untilMs - tMs;
    } else {
      return false;
    }
    // on the local wall clock, so a daylight-saving change inside the window moves the end with it
    ZonedDateTime allowedUntil =
        local.toLocalDateTime().plus(Duration.ofMillis(remainingMs)).atZone(zone);
    return !end.isAfter(allowedUntil.toInstant());
  }

  @Override
  public String toString() {
    return from + "-" + (until == null ? "24:00" : until.toString());
  }
}
