package io.peerwatt.trading.device;

import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Device enrolment. An owner (or operator) makes a one-time code for a metering point; the gateway
 * proves possession of its key by signing the code with it ({@code PWE1}); the platform records the
 * device, supersedes any earlier device of that metering point (key rotation: status {@code
 * rotated}) and issues a {@link SignedDeviceCertificate} signed with the platform key. Blocking.
 */
public final class Enrolment {
  /** How long a code is valid unless the request says otherwise. */
  public static final Duration DEFAULT_CODE_VALIDITY = Duration.ofHours(24);

  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);

  /** Crockford base32: no I, L, O, U, so codes survive being read aloud and typed. */
  private static final char[] CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private static final int CODE_CHARS = 26;

  private final DeviceStore devices;
  private final PrivateKey platformKey;
  private final SecureRandom random;
  private final Clock clock;

  /**
   * @param platformKey signs the device certificates
   */
  public Enrolment(DeviceStore devices, PrivateKey platformKey, SecureRandom random, Clock clock) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.platformKey = Objects.requireNonNull(platformKey, "platformKey");
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A code made for a metering point: shown once, stored only as its hash. */
  public record IssuedCode(String code, long meteringPointId, Instant expiresAt) {}

  /** Makes a one-time code for {@code meteringPointId}, valid for {@code validity}. */
  public IssuedCode issueCode(long meteringPointId, long createdBy, Duration validity) {
    String code = newCode();
    Instant now = clock.instant();
    devices.addEnrolmentCode(meteringPointId, codeHash(code), createdBy, now, now.plus(validity));
    return new IssuedCode(code, meteringPointId, now.plus(validity));
  }

  /**
   * Enrols {@code deviceKey} with {@code code}, the enrolment signed by that key over the code, the
   * key, {@code nonce} and the meter serials.
   *
   * @return the enrolled device, its signed certificate in {@code certificate}
   * @throws EnrolmentRefusal for a bad signature, an unknown, used or expired code, or a key in use
   */
  public DeviceRecord enrol(
      String code, PublicKey deviceKey, byte[] nonce, byte[] signature, List<String> serials) {
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(code, deviceKey.compressedBytes(), nonce, serials);
    if (deviceKey.check(digest, signature) != SignatureCheck.VALID) {
      throw new EnrolmentRefusal(
          EnrolmentRefusal.Reason.BAD_SIGNATURE, "the enrolment is not signed by deviceKey");
    }
    // certificates carry millisecond times
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return devices.enrol(
        codeHash(code),
        deviceKey,
        serials,
        now,
        (mp, serial) -> {
          DeviceCertificate issued =
              new DeviceCertificate(
                  DeviceCertificate.VERSION_1,
                  serial,
                  deviceKey,
                  Long.toString(mp.getId()),
                  Long.toString(mp.getAccountId()),
                  mp.getZoneCode(),
                  now,
                  now.plus(CERTIFICATE_VALIDITY),
                  platformKey.publicKey());
          return Json.write(SignedDeviceCertificate.sign(issued, platformKey).toJson());
        });
  }

  /** The key that signs the certificates, as verifiers trust it. */
  public PublicKey platformKey() {
    return platformKey.publicKey();
  }

  private String newCode() {
    byte[] bytes = new byte[CODE_CHARS];
    random.nextBytes(bytes);
    char[] out = new char[CODE_CHARS];
    for (int i = 0; i < CODE_CHARS; i++) {
      // 32 divides 256, so taking 5 bits of each byte is unbiased: 26 x 5 = 130 random bits
      out[i] = CODE_ALPHABET[bytes[i] & 0x1F];
    }
    return new String(out);
  }

  private static byte[] codeHash(String code) {
    return Hashes.sha256(code.getBytes(StandardCharsets.UTF_8));
  }
}
