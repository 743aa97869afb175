package io.peerwatt.webui;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * A day, week (Monday to Sunday) or month of the zone's local calendar, as the home page shows
 * them; its instants are local midnights, so a day of a clock change has 23 or 25 hours.
 *
 * @param view {@code day}, {@code week} or {@code month}
 * @param first its first local day
 * @param end the local day after its last
 */
public record Period(String view, LocalDate first, LocalDate end, ZoneId zone) {

  /** The period of {@code view} holding {@code date} (today when null or unreadable). */
  public static Period of(String view, String date, LocalDate today, ZoneId zone) {
    LocalDate day = today;
    if (date != null) {
      try {
        day = LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        day = today;
      }
    }
    return switch (view == null ? "day" : view) {
      case "week" -> {
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        yield new Period("week", monday, monday.plusWeeks(1), zone);
      }
      case "month" -> {
        LocalDate first = day.withDayOfMonth(1);
        yield new Period("month", first, first.plusMonths(1), zone);
      }
      default -> new Period("day", day, day.plusDays(1), zone);
    };
  }

  public Instant from() {
    return first.atStartOfDay(zone).toInstant();
  }

  public Instant to() {
    return end.atStartOfDay(zone).toInstant();
  }

  /** The API's interval length for a chart of this period. */
  public String resolution() {
    return switch (view) {
      case "week" -> "PT1H";
      case "month" -> "P1D";
      default -> "PT15M";
    };
  }

  /** What one bar of its chart stands for. */
  public String barName() {
    return switch (view) {
      case "week" -> "hour";
      case "month" -> "day";
      default -> "quarter-hour";
    };
  }

  public Period previous() {
    return of(view, first.minusDays(1).toString(), first, zone);
  }

  public Period next() {
    return of(view, end.toString(), end, zone);
  }

  /** E.g. "Wed 25 Nov 2026", "week of 23 Nov 2026", "November 2026". */
  public String label() {
    return switch (view) {
      case "week" ->
          "week of "
              + first.format(
                  java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH));
      case "month" ->
          first.format(java.time.format.DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH));
      default ->
          first.format(
              java.time.format.DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH));
    };
  }

  /** The page's query for this period. */
  public String query() {
    return "?view=" + view + "&date=" + first;
  }
}
