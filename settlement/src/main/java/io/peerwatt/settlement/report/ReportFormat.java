package io.peerwatt.settlement.report;

import java.util.Locale;

/** The report's file formats; {@code code} is the value of {@code --format} and {@code format=}. */
public enum ReportFormat {
  CSV("csv", "text/csv"),
  JSON("json", "application/json"),
  /** Green Button (NAESB ESPI) Atom feed. */
  ESPI("espi", "application/atom+xml");

  private final String code;
  private final String mediaType;

  ReportFormat(String code, String mediaType) {
    this.code = code;
    this.mediaType = mediaType;
  }

  public String code() {
    return code;
  }

  public String mediaType() {
    return mediaType;
  }

  public static ReportFormat ofCode(String code) {
    for (ReportFormat f : values()) {
      if (f.code.equals(code.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown report format " + code + " (csv, json or espi)");
  }
}
