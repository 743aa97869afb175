package io.peerwatt.trading.openadr;

import static io.peerwatt.db.schema.Tables.OPENADR_CLIENT;

import io.peerwatt.db.schema.tables.records.OpenadrClientRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.DSLContext;

/**
 * The VTN's OAuth client credentials ({@code openadr_client}): business-logic clients an operator
 * issues, and the VEN credentials of gateways. A secret is shown once, when issued, and kept as its
 * SHA-256. Blocking.
 */
public final class VtnClients {

  /**
   * Credentials just issued: the only time the secret is seen.
   *
   * @param venName the VEN's name, null for a BL client
   */
  public record Issued(String clientId, String clientSecret, String scopes, String venName) {}

  private final DSLContext dsl;
  private final SecureRandom random;
  private final Clock clock;

  public VtnClients(DSLContext dsl, SecureRandom random, Clock clock) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.random = random;
    this.clock = clock;
  }

  /** New BL client credentials named {@code label}, with every BL scope. */
  public Issued issueBusinessLogic(String label) {
    String clientId = "bl-" + hex(8);
    String secret = hex(32);
    String scopes = String.join(" ", new TreeSet<>(VtnCaller.BL_SCOPES));
    dsl.insertInto(OPENADR_CLIENT)
        .set(OPENADR_CLIENT.CLIENT_ID, clientId)
        .set(OPENADR_CLIENT.SECRET_SHA256, sha256(secret))
        .set(OPENADR_CLIENT.KIND, "BL")
        .set(OPENADR_CLIENT.SCOPES, scopes)
        .set(OPENADR_CLIENT.LABEL, label)
        .set(OPENADR_CLIENT.CREATED_AT, clock.instant())
        .set(OPENADR_CLIENT.SECRET_SET_AT, clock.instant())
        .execute();
    return new Issued(clientId, secret, scopes, null);
  }

  /**
   * The VEN credentials of gateway {@code deviceId} (venName = the device id): the same client id
   * every time, with a new secret (the previous one stops working).
   */
  public Issued issueVen(long deviceId) {
    String venName = Long.toString(deviceId);
    String secret = hex(32);
    String scopes = String.join(" ", new TreeSet<>(VtnCaller.VEN_SCOPES));
    String clientId =
        dsl.insertInto(OPENADR_CLIENT)
            .set(OPENADR_CLIENT.CLIENT_ID, "ven-" + venName)
            .set(OPENADR_CLIENT.SECRET_SHA256, sha256(secret))
            .set(OPENADR_CLIENT.KIND, "VEN")
            .set(OPENADR_CLIENT.SCOPES, scopes)
            .set(OPENADR_CLIENT.LABEL, "gateway " + venName)
            .set(OPENADR_CLIENT.DEVICE_ID, deviceId)
            .set(OPENADR_CLIENT.VEN_NAME, venName)
            .set(OPENADR_CLIENT.CREATED_AT, clock.instant())
            .set(OPENADR_CLIENT.SECRET_SET_AT, clock.instant())
            .onConflict(OPENADR_CLIENT.DEVICE_ID)
            .doUpdate()
            .set(OPENADR_CLIENT.SECRET_SHA256, sha256(secret))
            .set(OPENADR_CLIENT.SECRET_SET_AT, clock.instant())
            .returning(OPENADR_CLIENT.CLIENT_ID)
            .fetchOne()
            .getClientId();
    return new Issued(clientId, secret, scopes, venName);
  }

  /**
   * The caller these credentials name with the scopes asked for (all the client's when {@code
   * requested} is empty), or null when the id or secret is wrong.
   *
   * @throws IllegalArgumentException naming the scopes the client may not have
   */
  public VtnCaller authenticate(String clientId, String secret, Set<String> requested) {
    OpenadrClientRecord r =
        dsl.selectFrom(OPENADR_CLIENT).where(OPENADR_CLIENT.CLIENT_ID.eq(clientId)).fetchOne();
    // the secret is hashed either way, so an unknown id takes as long as a wrong secret
    byte[] given = sha256(secret);
    if (r == null || !MessageDigest.isEqual(r.getSecretSha256(), given)) {
      return null;
    }
    Set<String> granted = new TreeSet<>(Arrays.asList(r.getScopes().split(" ")));
    Set<String> scopes = requested.isEmpty() ? granted : new TreeSet<>(requested);
    if (!granted.containsAll(scopes)) {
      scopes.removeAll(granted);
      throw new IllegalArgumentException("scope not granted to this client: " + scopes);
    }
    return new VtnCaller(r.getClientId(), "BL".equals(r.getKind()), scopes, r.getVenName());
  }

  private String hex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
