package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform's statement that a device key belongs to a metering point, an owner account and a
 * grid zone for a validity period (format version 1, specified in {@code
 * protocol/READING-FORMAT.md}). Issued by trading-core on enrolment and signed with the platform
 * key ({@link SignedDeviceCertificate}).
 *
 * <p>Binary form, big-endian: magic "PWDC" (4), version (1), serial (8), deviceKey (33), validFrom
 * ms (8), validTo ms (8), issuerKey (33), then meteringPointId, ownerAccountId, zoneCode each as a
 * 1-byte length and 1..64 printable ASCII bytes (0x21..0x7E).
 *
 * @param version format version, only 1 is defined
 * @param serial issuer-assigned serial number, int64 [0, 2^63-1]
 * @param deviceKey the device's compressed public key
 * @param meteringPointId the metering point (e.g. a national MeLo/MPAN id), 1..64 ASCII chars
 * @param ownerAccountId the owner's account id on the platform, 1..64 ASCII chars
 * @param zoneCode the grid zone the device trades in, 1..64 ASCII chars
 * @param validFrom start of validity, inclusive, millisecond precision
 * @param validTo end of validity, exclusive, after validFrom
 * @param issuerKey the platform key that signs this certificate (compressed)
 */
public record DeviceCertificate(
    int version,
    long serial,
    PublicKey deviceKey,
    String meteringPointId,
    String ownerAccountId,
    String zoneCode,
    Instant validFrom,
    Instant validTo,
    PublicKey issuerKey) {

  public static final int VERSION_1 = 1;

  /**
   * The 4 magic bytes "PWDC" that start the encoding (separating it from every other signed
   * format).
   */
  public static final byte[] MAGIC = "PWDC".getBytes(StandardCharsets.US_ASCII);

  private static final int MAX_TEXT = 64;

  private static final String[] FIELDS = {
    "version",
    "serial",
    "deviceKey",
    "meteringPointId",
    "ownerAccountId",
    "zoneCode",
    "validFrom",
    "validTo",
    "issuerKey"
  };

  public DeviceCertificate {
    if (version != VERSION_1) {
      throw new IllegalArgumentException("unsupported certificate version " + version);
    }
    if (serial < 0) {
      throw new IllegalArgumentException("serial must not be negative");
    }
    if (!deviceKey.isCompressed() || !issuerKey.isCompressed()) {
      throw new IllegalArgumentException("keys must be compressed");
    }
    checkText(meteringPointId, "meteringPointId");
    checkText(ownerAccountId, "ownerAccountId");
    checkText(zoneCode, "zoneCode");
    for (Instant t : new Instant[] {validFrom, validTo}) {
      if (t.getNano() % 1_000_000 != 0 || t.isBefore(Instant.EPOCH)) {
        throw new IllegalArgumentException(
            "validity bounds must be at or after 1970 with millisecond precision");
      }
      try {
        t.toEpochMilli();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "validity bound beyond the 64-bit millisecond range: " + t);
      }
    }
    if (!validTo.isAfter(validFrom)) {
      throw new IllegalArgumentException("validTo must be after validFrom");
    }
  }

  private static void checkText(String s, String what) {
    if (s.isEmpty() || s.length() > MAX_TEXT) {
      throw new IllegalArgumentException(what + " must have 1.." + MAX_TEXT + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw new IllegalArgumentException(what + " must be printable ASCII without spaces");
      }
    }
  }

  /** True when {@code at} lies in [validFrom, validTo). */
  public boolean isValidAt(Instant at) {
    return !at.isBefore(validFrom) && at.isBefore(validTo);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter(128);
    w.write(MAGIC)
        .writeByte(version)
        .writeInt64BE(serial)
        .write(deviceKey.bytes())
        .writeInt64BE(validFrom.toEpochMilli())
        .writeInt64BE(validTo.toEpochMilli())
        .write(issuerKey.bytes());
    for (String s : new String[] {meteringPointId, ownerAccountId, zoneCode}) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      w.writeByte(b.length).write(b);
    }
    return w.toByteArray();
  }

  /** SHA-256 of {@link #encode()}: what the issuer signs. */
  public byte[] hash() {
    return Hashes.sha256(encode());
  }

  public static DeviceCertificate decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    DeviceCertificate c = read(in);
    in.expectEnd("device certificate");
    return c;
  }

  static DeviceCertificate read(ByteReader in) {
    byte[] magic = in.readBytes(4, "certificate magic");
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new FormatException("not a device certificate (magic is not PWDC)");
    }
    int version = in.readByte("certificate version");
    if (version != VERSION_1) {
      throw new FormatException("unsupported certificate version " + version);
    }
    long serial = in.readInt64BE("serial");
    PublicKey device = compressedKey(in.readBytes(33, "deviceKey"), "deviceKey");
    long from = in.readInt64BE("validFrom");
    long to = in.readInt64BE("validTo");
    PublicKey issuer = compressedKey(in.readBytes(33, "issuerKey"), "issuerKey");
    String mp = readText(in, "meteringPointId");
    String owner = readText(in, "ownerAccountId");
    String zone = readText(in, "zoneCode");
    if (serial < 0 || from < 0 || to < 0) {
      throw new FormatException("serial and validity bounds must not be negative");
    }
    try {
      return new DeviceCertificate(
          version,
          serial,
          device,
          mp,
          owner,
          zone,
          Instant.ofEpochMilli(from),
          Instant.ofEpochMilli(to),
          issuer);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new FormatException("invalid device certificate: " + e.getMessage(), e);
    }
  }

  private static PublicKey compressedKey(byte[] b, String what) {
    if (b[0] != 0x02 && b[0] != 0x03) {
      throw new FormatException(what + " must be a compressed public key");
    }
    return PublicKey.fromBytes(b);
  }

  private static String readText(ByteReader in, String what) {
    int len = in.readByte(what + " length");
    if (len < 1 || len > MAX_TEXT) {
      throw new FormatException(what + " length must be 1.." + MAX_TEXT);
    }
    byte[] b = in.readBytes(len, what);
    for (byte x : b) {
      if (x < 0x21 || x > 0x7E) {
        throw new FormatException(what + " must be printable ASCII");
      }
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** JSON object: the record components; keys hex, times ISO-8601 UTC with milliseconds. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", (long) version);
    m.put("serial", serial);
    m.put("deviceKey", deviceKey.hex());
    m.put("meteringPointId", meteringPointId);
    m.put("ownerAccountId", ownerAccountId);
    m.put("zoneCode", zoneCode);
    m.put("validFrom", ReadingCodec.formatInstant(validFrom));
    m.put("validTo", ReadingCodec.formatInstant(validTo));
    m.put("issuerKey", issuerKey.hex());
    return m;
  }

  public static DeviceCertificate fromJson(Map<String, Object> m) {
    Json.requireOnly(m, "device certificate", FIELDS);
    return fields(m);
  }

  static DeviceCertificate fields(Map<String, Object> m) {
    long version = Json.integer(m, "version");
    if (version != VERSION_1) {
      throw new FormatException("unsupported certificate version " + version);
    }
    try {
      return new DeviceCertificate(
          VERSION_1,
          Json.integer(m, "serial", 0, Long.MAX_VALUE),
          compressedKey(
              StrictHex.decode(Json.string(m, "deviceKey"), 33, "deviceKey"), "deviceKey"),
          Json.string(m, "meteringPointId"),
          Json.string(m, "ownerAccountId"),
          Json.string(m, "zoneCode"),
          ReadingCodec.parseInstant(Json.string(m, "validFrom"), "validFrom"),
          ReadingCodec.parseInstant(Json.string(m, "validTo"), "validTo"),
          compressedKey(
              StrictHex.decode(Json.string(m, "issuerKey"), 33, "issuerKey"), "issuerKey"));
    } catch (IllegalArgumentException e) {
      throw new FormatException("invalid device certificate: " + e.getMessage(), e);
    }
  }

  /** Every field on one line, for logs. */
  @Override
  public String toString() {
    return "DeviceCertificate[serial="
        + serial
        + " device="
        + deviceKey.hex()
        + " mp="
        + meteringPointId
        + " owner="
        + ownerAccountId
        + " zone="
        + zoneCode
        + " "
        + validFrom
        + "/"
        + validTo
        + "]";
  }
}
