package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One grant as the third party's console shows it: the household by a pseudonym, what was fetched
 * under it and what that comes to.
 *
 * @param grant the grant as the API lists it
 * @param household the household's pseudonym for the grant's application
 * @param fetches data and proof requests in the access log
 * @param days days of data delivered (the access log's days, as the household sees them)
 * @param dueMilliCt days times the price per home and day
 */
public record GrantUsage(
    JsonObject grant, String household, int fetches, long days, long dueMilliCt) {

  /** The grant {@code grant} with its access log {@code accesses}. */
  static GrantUsage of(JsonObject grant, JsonArray accesses) {
    long days = 0;
    for (Object a : accesses) {
      days += ((JsonObject) a).getLong("days", 0L);
    }
    return new GrantUsage(
        grant,
        pseudonym(grant.getLong("applicationId"), grant.getLong("accountId")),
        accesses.size(),
        days,
        Math.multiplyExact(days, grant.getLong("priceMilliCtPerHomeDay", 0L)));
  }

  /**
   * A household's name for one application: the same for each of its grants to that application,
   * different for another application, so third parties cannot match households by it.
   */
  static String pseudonym(long applicationId, long accountId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("peerwatt household " + applicationId + "/" + accountId)
                      .getBytes(StandardCharsets.UTF_8));
      return "H-" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
