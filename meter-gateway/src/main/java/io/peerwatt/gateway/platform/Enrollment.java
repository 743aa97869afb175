package io.peerwatt.gateway.platform;

import io.peerwatt.gateway.journal.DurableFiles;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registers the device key with the platform: {@code POST {platform}/api/v1/devices/enroll} with
 * the installer's one-time code, signed by the device key (see {@link
 * BatchAndEnrolmentSigning#enrolmentDigest}); the answer (device id and device certificate) is
 * checked and stored as {@code enrollment.json} in the data dir.
 */
public final class Enrollment {
  /** The platform's enrolment answer, kept next to the device key. */
  public static final String FILE = "enrollment.json";

  private Enrollment() {}

  /** A successful enrolment. */
  public record Result(long deviceId, SignedDeviceCertificate certificate) {}

  /**
   * Why enrolment failed, for the user; {@code status} is the HTTP status or 0 without an answer.
   */
  public static final class EnrollmentException extends Exception {
    private final int status;

    EnrollmentException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public static Result enroll(
      URI platform,
      String code,
      List<String> meterSerials,
      PrivateKey key,
      Path dataDir,
      PlatformHttp http,
      Duration timeout)
      throws IOException, EnrollmentException {
    if (code == null || code.isBlank()) {
      throw new IllegalArgumentException("enrolment code must not be empty");
    }
    byte[] nonce = new byte[16];
    new SecureRandom().nextBytes(nonce);
    byte[] deviceKey = key.publicKey().compressedBytes();
    byte[] signature =
        key.signDer(BatchAndEnrolmentSigning.enrolmentDigest(code, deviceKey, nonce, meterSerials));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("deviceKey", key.publicKey().hex());
    body.put("meterSerials", List.copyOf(meterSerials));
    body.put("nonce", HexFormat.of().formatHex(nonce));
    body.put("signature", HexFormat.of().formatHex(signature));
    PlatformHttp.Response response =
        PlatformClient.postJson(http, platform.resolve("/api/v1/devices/enroll"), timeout, body);
    // the platform answers 201 Created for a new device; 200 is accepted for an idempotent repeat
    if (response.status() != 200 && response.status() != 201) {
      throw new EnrollmentException(
          response.status(),
          "platform refused enrolment with HTTP " + response.status() + ": " + response.body());
    }
    try {
      Map<String, Object> answer = Json.parseObject(response.body());
      long deviceId = Json.integer(answer, "deviceId");
      SignedDeviceCertificate certificate =
          SignedDeviceCertificate.fromJson(Json.object(answer, "certificate"));
      if (!certificate.certificate().deviceKey().equals(key.publicKey())) {
        throw new EnrollmentException(
            200,
            "platform issued a certificate for another device key: "
                + certificate.certificate().deviceKey().hex());
      }
      DurableFiles.replace(
          dataDir.resolve(FILE), Json.writePretty(answer).getBytes(StandardCharsets.UTF_8));
      return new Result(deviceId, certificate);
    } catch (FormatException e) {
      throw new EnrollmentException(
          200, "platform answer is not an enrolment result: " + e.getMessage());
    }
  }

  /** The stored enrolment answer, if the device was enrolled. */
  public static Optional<String> stored(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    return Files.exists(file)
        ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
        : Optional.empty();
  }
}
