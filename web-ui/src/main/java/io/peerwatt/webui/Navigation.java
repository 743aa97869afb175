package io.peerwatt.webui;

import java.util.List;

/**
 * The main navigation of each role, in one place: a new page adds its link here and the layout
 * shows it, marked as current on its own page.
 */
public final class Navigation {
  /** One link of the main navigation. */
  public record Link(String href, String label) {
    /** Whether {@code path} is this link's page or one below it. */
    public boolean current(String path) {
      return path != null && (path.equals(href) || path.startsWith(href + "/"));
    }
  }

  private static final List<Link> PROSUMER =
      List.of(
          new Link("/dashboard", "Home"),
          new Link("/statements", "Money"),
          new Link("/market", "Market"),
          new Link("/channels", "Channels"),
          new Link("/devices", "Meters"),
          new Link("/data", "My data"),
          new Link("/share", "Share my data"),
          new Link("/flex", "Flexibility"),
          new Link("/proofs", "Proofs"));

  private static final List<Link> UTILITY =
      List.of(
          new Link("/utility", "Zone report"),
          new Link("/utility/flexibility", "Flexibility"),
          new Link("/proofs", "Proofs"));

  private static final List<Link> THIRD_PARTY = List.of(new Link("/third-party", "Data console"));

  private static final List<Link> OPERATOR =
      List.of(
          new Link("/operator", "Monitor"),
          new Link("/operator/zones", "Zones"),
          new Link("/operator/accounts", "Accounts"),
          new Link("/operator/data-applications", "Data applications"),
          new Link("/operator/devices", "Gateways"),
          new Link("/utility", "Zone reports"),
          new Link("/utility/flexibility", "Flexibility"));

  private Navigation() {}

  /** The links for {@code viewer}'s role; none before login. */
  public static List<Link> of(Viewer viewer) {
    if (viewer == null) {
      return List.of();
    }
    if (viewer.isOperator()) {
      return OPERATOR;
    }
    if (viewer.isThirdParty()) {
      return THIRD_PARTY;
    }
    return viewer.isUtility() ? UTILITY : PROSUMER;
  }

  /**
   * The link of the page at {@code path}: the longest one it is at or under ({@code /operator}
   * would claim every operator page otherwise).
   */
  public static Link currentOf(Viewer viewer, String path) {
    Link best = null;
    for (Link l : of(viewer)) {
      if (l.current(path) && (best == null || l.href().length() > best.href().length())) {
        best = l;
      }
    }
    return best;
  }
}
