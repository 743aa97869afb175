package io.peerwatt.protocol.flex;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The platform's order to one device to change its power during a window, as accepted by the home's
 * owner.
 *
 * <p>Digest (what the platform key signs): SHA-256 of ASCII "PWF1" || utf8(commandId) 0x00 ||
 * utf8(deviceId) 0x00 || utf8(eventId) 0x00 || action code (1 byte) || watts (int64 BE) ||
 * validFrom epoch ms (int64 BE) || validUntil epoch ms || issuedAt epoch ms.
 *
 * @param commandId unique id of this command (the gateway refuses a second use), 1..128 chars
 * @param deviceId the device that must act, 1..128 chars
 * @param eventId the OpenADR event carrying the command, 1..128 chars
 * @param action reduce import or reduce export
 * @param watts the power change the home accepted, > 0
 * @param validFrom start of the window, inclusive, millisecond precision
 * @param validUntil end of the window, exclusive, after validFrom
 * @param issuedAt when the platform signed it, millisecond precision
 */
public record FlexCommand(
    String commandId,
    String deviceId,
    String eventId,
    FlexAction action,
    long watts,
    Instant validFrom,
    Instant validUntil,
    Instant issuedAt) {

  /**
   * The 4 magic bytes "PWF1" that start the digested bytes (separating them from other formats).
   */
  public static final byte[] MAGIC = "PWF1".getBytes(StandardCharsets.US_ASCII);

  /** Longest id accepted (the OpenADR objectID limit). */
  public static final int MAX_ID_LENGTH = 128;

  public FlexCommand {
    checkId(commandId, "commandId");
    checkId(deviceId, "deviceId");
    checkId(eventId, "eventId");
    if (action == null) {
      throw new IllegalArgumentException("action is required");
    }
    if (watts <= 0) {
      throw new IllegalArgumentException("watts must be positive, got " + watts);
    }
    checkInstant(validFrom, "validFrom");
    checkInstant(validUntil, "validUntil");
    checkInstant(issuedAt, "issuedAt");
    if (!validUntil.isAfter(validFrom)) {
      throw new IllegalArgumentException("validUntil must be after validFrom");
    }
  }

  /** Ids are joined with 0x00 in the digest, so they must not contain control characters. */
  private static void checkId(String id, String what) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(what + " must have 1.." + MAX_ID_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new IllegalArgumentException(what + " must not contain control characters");
      }
    }
  }

  private static void checkInstant(Instant t, String what) {
    if (t == null) {
      throw new IllegalArgumentException(what + " is required");
    }
    if (t.isBefore(Instant.EPOCH) || t.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          what + " must be at or after 1970 with millisecond precision");
    }
    try {
      t.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is beyond the 64-bit millisecond range: " + t);
    }
  }

  /** The bytes the digest covers. */
  public byte[] encode() {
    ByteWriter w = new ByteWriter(128);
    w.write(MAGIC);
    for (String id : new String[] {commandId, deviceId, eventId}) {
      w.write(id.getBytes(StandardCharsets.UTF_8)).writeByte(0);
    }
    return w.writeByte(action.code())
        .writeInt64BE(watts)
        .writeInt64BE(validFrom.toEpochMilli())
        .writeInt64BE(validUntil.toEpochMilli())
        .writeInt64BE(issuedAt.toEpochMilli())
        .toByteArray();
  }

  /** SHA-256 of {@link #encode()}: what the platform key signs. */
  public byte[] digest() {
    return Hashes.sha256(encode());
  }

  /** Signs with the platform key (low-S strict DER). */
  public SignedFlexCommand sign(PrivateKey platformKey) {
    return SignedFlexCommand.sign(this, platformKey);
  }

  /** True when {@code at} lies in [validFrom, validUntil). */
  public boolean isValidAt(Instant at) {
    return !at.isBefore(validFrom) && at.isBefore(validUntil);
  }
}
