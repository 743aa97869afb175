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
   * An amount in milli-cents (0.001 ct) of {@code currency} as {@code "€1.23"}, cut to the cent; an
   * amount below one cent keeps the decimals it needs ({@code "€0.0032"}), so a small trade never
   * reads as nothing. {@code BSV} or {@code SAT} markets are shown in satoshis.
   */
  public static String money(long milliCt, String currency) {
    if (currency == null || currency.equals("BSV") || currency.equals("SAT")) {
      return sats(milliCt);
    }
    String sign = milliCt < 0 ? "-" : "";
    long abs = Math.abs(milliCt);
    String symbol = SYMBOLS.getOrDefault(currency, currency + " ");
    if (abs != 0 && abs < 1000) {
      // 1 milli-cent is 0.00001 of the currency: five decimals, trailing zeros dropped
      String decimals = pad(abs, 5).replaceAll("0+$", "");
      return sign + symbol + "0." + (decimals.length() < 2 ? decimals + "0" : decimals);
    }
    long cents = abs / 1000;
    return sign + symbol + (cents / 100) + "." + pad(cents % 100, 2);
  }

  /** Like {@link #money}, with a {@code +} before what the household receives. */
  public static String signedMoney(long milliCt, String currency) {
    return (milliCt > 0 ? "+" : "") + money(milliCt, currency);
  }

  /**
   * Satoshis in the market currency at a statement's rate ({@code satoshisPerUnit} satoshis per
   * {@code marketUnitsPerUnit} milli-cents), as milli-cents rounded toward zero; 0 without a rate.
   */
  public static long satsToMilliCt(long satoshis, long satoshisPerUnit, long marketUnitsPerUnit) {
    if (satoshisPerUnit <= 0) {
      return 0;
    }
    return java.math.BigInteger.valueOf(satoshis)
        .multiply(java.math.BigInteger.valueOf(marketUnitsPerUnit))
        .divide(java.math.BigInteger.valueOf(satoshisPerUnit))
        .longValueExact();
  }

  private static final DateTimeFormatter LOCAL_DAY_TIME =
      DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter LOCAL_DAY =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter UTC_FULL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneId.of("UTC"));

  /** An instant in the zone's local time, e.g. {@code "Wed 25 Nov 11:15"}. */
  public static String local(Instant at, ZoneId zone) {
    return at == null ? "" : LOCAL_DAY_TIME.format(at.atZone(zone));
  }

  /** {@link #local} of an ISO instant; empty for null or blank. */
  public static String local(String isoInstant, ZoneId zone) {
    return isoInstant == null || isoInstant.isBlank() ? "" : local(Instant.parse(isoInstant), zone);
  }

  /** The zone's local clock time, e.g. {@code "11:15"}. */
  public static String localTime(Instant at, ZoneId zone) {
    return LOCAL_TIME.format(at.atZone(zone));
  }

  /** The zone's local day, e.g. {@code "Wed 25 Nov 2026"}. */
  public static String localDay(Instant at, ZoneId zone) {
    return LOCAL_DAY.format(at.atZone(zone));
  }

  /** The UTC form shown on hover, e.g. {@code "2026-11-25 10:15:00 UTC"}. */
  public static String utc(Instant at) {
    return at == null ? "" : UTC_FULL.format(at);
  }

  /** {@link #utc} of an ISO instant. */
  public static String utc(String isoInstant) {
    return isoInstant == null || isoInstant.isBlank() ? "" : utc(Instant.parse(isoInstant));
  }

  /** A slot in the zone's local time, e.g. {@code "Wed 25 Nov 11:00–11:15"}. */
  public static String localSlot(String slot, ZoneId zone) {
    Instant start = slotStart(slot);
    Instant end = start.plus(java.time.Duration.parse(slot.split("/")[1]));
    return local(start, zone) + "–" + localTime(end, zone);
  }

  /** Seconds as people say a wait: {@code "2 h 5 min"}, {@code "4 min"}, {@code "40 s"}. */
  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    long minutes = seconds / 60;
    return minutes < 60
        ? minutes + " min"
        : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
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
