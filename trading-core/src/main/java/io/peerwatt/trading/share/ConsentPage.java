package io.peerwatt.trading.share;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The consent page a household sees at {@code /oauth/authorize}: which application asks, for what
 * purpose, which data (resolution, direction, statements, period), for how long and at what price;
 * and the authorization server's error pages. Every value from a third party is HTML-escaped.
 */
final class ConsentPage {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ConsentPage() {}

  static String render(DataApplications.Application app, DataGrants.Offer offer, String consentId) {
    DataScope s = offer.scope();
    String direction =
        s.importData() && s.exportData()
            ? "energy you take from and give to the grid"
            : s.importData() ? "energy you take from the grid" : "energy you give to the grid";
    return head("Share your meter data with " + app.name())
        + "<main><h1>Share your meter data?</h1>"
        + "<p><strong>"
        + escape(app.name())
        + "</strong> asks to read your meter data.</p>"
        + "<dl>"
        + row("Purpose", escape(offer.purpose()))
        + row("Application's purpose", escape(app.purpose()))
        + row("Data", escape(resolutionWords(s.resolution()) + " readings of the " + direction))
        + row("Statements", s.statements() ? "yes" : "no")
        + row("Period", DAY.format(s.periodFrom()) + " to " + DAY.format(s.periodTo()))
        + row("Access for", offer.accessDays() + " days, unless you revoke it sooner")
        + row("You are paid", centsWords(s.priceMilliCtPerHomeDay()) + " per day of data delivered")
        + row("Contact", escape(app.contact()))
        + "</dl>"
        + "<p>You can revoke this at any time on the Share my data page; the application is then"
        + " refused at once.</p>"
        + "<form method=\"post\" action=\"/oauth/authorize\">"
        + "<input type=\"hidden\" name=\"consent\" value=\""
        + escape(consentId)
        + "\">"
        + "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> "
        + "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>"
        + "</form></main></body></html>";
  }

  static String message(String title, String message) {
    return head(title)
        + "<main><h1>"
        + escape(title)
        + "</h1><p>"
        + escape(message)
        + "</p></main></body></html>";
  }

  private static String head(String title) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + escape(title)
        + " - PeerWatt</title></head><body>";
  }

  private static String row(String term, String html) {
    return "<dt>" + term + "</dt><dd>" + html + "</dd>";
  }

  private static String resolutionWords(DataResolution r) {
    return switch (r) {
      case QUARTER_HOUR -> "Quarter-hourly";
      case HOURLY -> "Hourly";
      case DAILY -> "Daily";
    };
  }

  /** 0.001 ct as cents with three decimals, e.g. 2000 as {@code 2.000 ct}. */
  static String centsWords(long milliCt) {
    return Math.floorDiv(milliCt, 1000)
        + "."
        + String.format("%03d", Math.floorMod(milliCt, 1000))
        + " ct";
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
