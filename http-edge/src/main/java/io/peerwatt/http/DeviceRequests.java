package io.peerwatt.http;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates a request a gateway signed with its device key ({@link DeviceRequestSigning}): the
 * device's own API under {@code /api/v1/gateway}, which needs no login. A request is accepted when
 * the key belongs to an active device, the signature verifies over the method, target, nonce, time
 * and body, the time is within the clock skew either way, and the nonce is new (the {@link Devices}
 * remember nonces, so a request cannot be replayed). Blocking: call from a worker.
 */
public final class DeviceRequests {
  private final Devices devices;
  private final Clock clock;
  private final Duration maxSkew;

  /**
   * @param devices the enrolled devices and the nonces they used
   * @param maxSkew how far a request's time may be from the platform clock, either way
   */
  public DeviceRequests(Devices devices, Clock clock, Duration maxSkew) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
  }

  /** What the platform knows of enrolled devices. Blocking. */
  public interface Devices {
    /** The device enrolled with {@code key}, whatever its status. */
    Optional<EnrolledDevice> byKey(PublicKey key);

    /** Records a nonce the device used at {@code sentAt}; false when it used it before. */
    boolean recordNonce(long deviceId, byte[] nonce, Instant sentAt);
  }

  /**
   * An enrolled device as the platform knows it.
   *
   * @param status its status as stored ({@code active}, {@code revoked}, {@code rotated})
   * @param active whether it may still speak for its metering point
   */
  public record EnrolledDevice(
      long deviceId,
      String status,
      boolean active,
      long accountId,
      String zoneCode,
      long meteringPointId) {}

  /**
   * The device that signed a request.
   *
   * @param deviceId the device
   * @param accountId the account owning the device's metering point
   * @param zoneCode that account's zone
   * @param meteringPointId the device's metering point
   * @param deviceKey the device key that signed
   */
  public record DeviceCaller(
      long deviceId, long accountId, String zoneCode, long meteringPointId, PublicKey deviceKey) {}

  /** The signature headers of a request, read on the event loop (the body is already buffered). */
  public record SignedRequest(
      String deviceKeyHex,
      String nonceHex,
      String sentAt,
      String signatureHex,
      String method,
      String target,
      byte[] body) {

    public static SignedRequest of(RoutingContext ctx) {
      var h = ctx.request().headers();
      byte[] body =
          ctx.body() == null || ctx.body().buffer() == null
              ? new byte[0]
              : ctx.body().buffer().getBytes();
      return new SignedRequest(
          h.get(DeviceRequestSigning.DEVICE_KEY_HEADER),
          h.get(DeviceRequestSigning.NONCE_HEADER),
          h.get(DeviceRequestSigning.SENT_AT_HEADER),
          h.get(DeviceRequestSigning.SIGNATURE_HEADER),
          ctx.request().method().name(),
          ctx.request().uri(),
          body);
    }
  }

  /**
   * Checks the request and records its nonce; throws {@link ApiError} 401 (unknown or inactive
   * device, bad signature), 400 (missing or malformed header, time outside the skew) or 409 (nonce
   * used before).
   */
  public DeviceCaller authenticate(SignedRequest request) {
    Instant now = clock.instant();
    PublicKey key =
        header(
            request.deviceKeyHex(),
            DeviceRequestSigning.DEVICE_KEY_HEADER,
            () -> PublicKey.fromHex(request.deviceKeyHex()));
    byte[] nonce =
        header(
            request.nonceHex(),
            DeviceRequestSigning.NONCE_HEADER,
            () -> StrictHex.decode(request.nonceHex(), 16, "nonce"));
    Instant sentAt =
        header(
            request.sentAt(),
            DeviceRequestSigning.SENT_AT_HEADER,
            () -> Instant.parse(request.sentAt()));
    byte[] signature =
        header(
            request.signatureHex(),
            DeviceRequestSigning.SIGNATURE_HEADER,
            () -> StrictHex.decode(request.signatureHex(), "signature"));
    if (sentAt.isAfter(now.plus(maxSkew)) || sentAt.isBefore(now.minus(maxSkew))) {
      throw ApiError.badRequest(
          "STALE_REQUEST",
          DeviceRequestSigning.SENT_AT_HEADER
              + " must be within "
              + maxSkew.toSeconds()
              + " s of the platform clock ("
              + now
              + ")",
          DeviceRequestSigning.SENT_AT_HEADER);
    }
    byte[] digest =
        DeviceRequestSigning.digest(
            request.method(), request.target(), nonce, sentAt, request.body());
    if (key.check(digest, signature) != SignatureCheck.VALID) {
      throw new ApiError(
          401,
          "BAD_REQUEST_SIGNATURE",
          "the request signature does not verify with the device key",
          DeviceRequestSigning.SIGNATURE_HEADER);
    }
    EnrolledDevice device =
        devices
            .byKey(key)
            .orElseThrow(
                () ->
                    new ApiError(
                        401,
                        "UNKNOWN_DEVICE",
                        "no device is enrolled with this key",
                        DeviceRequestSigning.DEVICE_KEY_HEADER));
    if (!device.active()) {
      throw new ApiError(
          401,
          "DEVICE_NOT_ACTIVE",
          "the device is " + device.status(),
          DeviceRequestSigning.DEVICE_KEY_HEADER);
    }
    if (!devices.recordNonce(device.deviceId(), nonce, sentAt)) {
      throw ApiError.conflict(
          "REPLAYED_REQUEST",
          "this request nonce was used before; sign each request with a fresh" + " nonce",
          DeviceRequestSigning.NONCE_HEADER);
    }
    return new DeviceCaller(
        device.deviceId(), device.accountId(), device.zoneCode(), device.meteringPointId(), key);
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T header(String value, String name, Parse<T> parse) {
    if (value == null || value.isEmpty()) {
      throw new ApiError(
          401,
          "MISSING_DEVICE_SIGNATURE",
          "sign the request with the device key: header " + name + " is missing",
          name);
    }
    try {
      return parse.get();
    } catch (FormatException | DateTimeParseException | IllegalArgumentException e) {
      throw ApiError.badRequest("MALFORMED_HEADER", name + ": " + e.getMessage(), name);
    }
  }
}
