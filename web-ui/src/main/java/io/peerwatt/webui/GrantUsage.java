package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * One grant as the third party's console shows it: the household by a pseudonym, what was fetched
 * under it and what that comes to.
 *
 * @param grant the grant as the API lists it
 * @param household the household's pseudonym for the grant's application
 * @param fetches data and proof requests in the access log
 * @param days UTC days of data delivered: each day any readings or ESPI answer covered part of,
 *     counted once however often it was fetched (the days a grant is charged for)
 * @param dueMilliCt days times the price per home and day
 */
public record GrantUsage(
    JsonObject grant, String household, int fetches, long days, long dueMilliCt) {

  /** The grant {@code grant} with its access log {@code accesses}. */
  static GrantUsage of(JsonObject grant, JsonArray accesses) {
    Set<LocalDate> days = new HashSet<>();
    for (Object o : accesses) {
      JsonObject a = (JsonObject) o;
      if (a.getString("kind").equals("proof")) {
        continue;
      }
      LocalDate last =
          LocalDate.ofInstant(Instant.parse(a.getString("periodTo")).minusNanos(1), ZoneOffset.UTC);
      for (LocalDate d =
              LocalDate.ofInstant(Instant.parse(a.getString("periodFrom")), ZoneOffset.UTC);
          !d.isAfter(last);
          d = d.plusDays(1)) {
        days.add(d);
      }
    }
    return new GrantUsage(
        grant,
        pseudonym(grant.getLong("applicationId"), grant.getLong("accountId")),
        accesses.size(),
        days.size(),
        Math.multiplyExact(days.size(), grant.getLong("priceMilliCtPerHomeDay", 0L)));
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
