package io.peerwatt.webui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * How the portal writes energy, money and time for people: kWh with three decimals, money in the
 * market currency with satoshis beside it. Integer arithmetic only, so what is shown is exactly
 * what the API said, cut (never rounded up) at the shown precision.
 */
public final class Format {
  private static final Map<String, String> SYMBOLS =
      Map.of("EUR", "€", "GBP", "£", "USD", "$", "CHF", "CHF ");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.of("UTC"));
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH).withZone(ZoneId.of("UTC"));

  private Format() {}

  /** {@code 1234} Wh -> {@code "1.234 kWh"}; negative values keep their sign. */
  public static String kwh(long wh) {
    String sign = wh < 0 ? "-" : "";
    long abs = Math.abs(wh);
    return sign + (abs / 1000) + "." + pad(abs % 1000, 3) + " kWh";
  }

  /** Watts as {@code "3.42 kW"} above 1 kW, else {@code "640 W"}. */
  public static String power(long w) {
    long abs = Math.abs(w);
    String sign = w < 0 ? "-" : "";
    return abs >= 1000 ? sign + (abs / 1000) + "." + pad((abs % 1000) / 10, 2) + " kW" : w + " W";
  }

  /**
   * An amount in milli-cents (0.001 ct) of {@code currency} as {@code "€1.23"}; {@code BSV} or
   * {@code SAT} markets are shown in satoshis.
   */
  public static String money(long milliCt, String currency) {
    if (currency == null || currency.equals("BSV") || currency.equals("SAT")) {
      return sats(milliCt);
    }
    String sign = milliCt < 0 ? "-" : "";
    long cents = Math.abs(milliCt) / 1000;
    return sign
        + SYMBOLS.getOrDefault(currency, currency + " ")
        + (cents / 100)
        + "."
        + pad(cents % 100, 2);
  }

  /** A price in milli-cents per kWh as {@code "25.000 ct/kWh"}. */
  public static String price(long milliCtPerKwh, String currency) {
    if (currency == null || currency.equals("BSV") || currency.equals("SAT")) {
      return milliCtPerKwh + " sat/kWh";
    }
    String sign = milliCtPerKwh < 0 ? "-" : "";
    long abs = Math.abs(milliCtPerKwh);
    return sign + (abs / 1000) + "." + pad(abs % 1000, 3) + " ct/kWh";
  }

  /** {@code 12345} -> {@code "12,345 sat"}. */
  public static String sats(long satoshis) {
    return String.format(Locale.ENGLISH, "%,d sat", satoshis);
  }

  /** UTC clock time of an ISO instant, e.g. {@code "10:15"}. */
  public static String time(String isoInstant) {
    return isoInstant == null ? "" : TIME.format(Instant.parse(isoInstant));
  }

  /** UTC day and time of an ISO instant, e.g. {@code "25 Nov 10:15"}. */
  public static String dayTime(String isoInstant) {
    return isoInstant == null ? "" : DAY_TIME.format(Instant.parse(isoInstant)) + " UTC";
  }

  /** A slot {@code 2026-11-25T10:00Z/PT15M} as {@code "25 Nov 10:00-10:15 UTC"}. */
  public static String slot(String slot) {
    if (slot == null || !slot.contains("/")) {
      return String.valueOf(slot);
    }
    String[] parts = slot.split("/");
    Instant start = slotStart(slot);
    Instant end = start.plus(java.time.Duration.parse(parts[1]));
    return DAY_TIME.format(start) + "-" + TIME.format(end) + " UTC";
  }

  /**
   * The start of a slot {@code 2026-11-25T10:00Z/PT15M} (its minutes-only instant needs an offset
   * parser).
   */
  public static Instant slotStart(String slot) {
    return java.time.OffsetDateTime.parse(slot.split("/")[0]).toInstant();
  }

  /** A short form of a long hex id: first 8 and last 4 characters. */
  public static String shortHex(String hex) {
    return hex == null || hex.length() <= 14
        ? String.valueOf(hex)
        : hex.substring(0, 8) + "…" + hex.substring(hex.length() - 4);
  }

  private static String pad(long v, int width) {
    String s = Long.toString(v);
    return "0".repeat(Math.max(0, width - s.length())) + s;
  }
}
