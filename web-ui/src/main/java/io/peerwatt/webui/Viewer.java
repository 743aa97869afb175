package io.peerwatt.webui;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who is looking at a page: the claims of the session token. The portal only uses them to choose
 * navigation; every figure on a page comes from the API, which checks the token itself.
 *
 * @param token the bearer token the API issued at login
 * @param accountId the account the token speaks for
 * @param username the login name
 * @param role prosumer, utility, operator or third_party
 * @param zone the account's grid zone, or null
 */
public record Viewer(String token, long accountId, String username, String role, String zone) {

  /** Reads the claims of a JWT without verifying it (the API verifies); null when unreadable. */
  static Viewer fromToken(String token) {
    if (token == null) {
      return null;
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonObject claims =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Object sub = claims.getValue("sub");
      long id =
          claims.containsKey("accountId")
              ? claims.getLong("accountId")
              : Long.parseLong(String.valueOf(sub));
      return new Viewer(
          token,
          id,
          claims.getString("username", String.valueOf(sub)),
          claims.getString("role"),
          claims.getString("zone"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  public boolean isProsumer() {
    return "prosumer".equals(role);
  }

  public boolean isUtility() {
    return "utility".equals(role);
  }

  public boolean isThirdParty() {
    return "third_party".equals(role);
  }

  public boolean isOperator() {
    return "operator".equals(role);
  }

  /** The page a viewer lands on after login. */
  public String home() {
    return switch (role == null ? "" : role) {
      case "utility" -> "/utility";
      case "operator" -> "/operator";
      case "third_party" -> ThirdPartyPages.PATH;
      default -> "/dashboard";
    };
  }
}
