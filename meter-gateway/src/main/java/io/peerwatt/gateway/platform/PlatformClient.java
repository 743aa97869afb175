package io.peerwatt.gateway.platform;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * The gateway's client of the platform's device API ({@code /api/v1/gateway/...}): JSON requests
 * signed with the device key as {@link DeviceRequestSigning} defines, each with a fresh nonce.
 */
public final class PlatformClient {
  private static final String API = "/api/v1";

  /** The platform answered with an error (or not at all, status 0). */
  public static final class PlatformException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    PlatformException(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    /** The API's error code ({@code {"error": CODE}}), or empty. */
    public String code() {
      return code;
    }
  }

  private final URI platform;
  private final PrivateKey deviceKey;
  private final PlatformHttp http;
  private final Clock clock;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();

  /**
   * Requests that asked the platform to change something (every method but GET), for the agent's
   * pacing.
   */
  private long writes;

  public PlatformClient(
      URI platform, PrivateKey deviceKey, PlatformHttp http, Clock clock, Duration timeout) {
    this.platform = platform;
    this.deviceKey = deviceKey;
    this.http = http;
    this.clock = clock;
    this.timeout = timeout;
  }

  public Map<String, Object> get(String path) throws IOException {
    return send("GET", path, null);
  }

  public Map<String, Object> post(String path, Map<String, Object> body) throws IOException {
    return send("POST", path, body);
  }

  public Map<String, Object> put(String path, Map<String, Object> body) throws IOException {
    return send("PUT", path, body);
  }

  /** How many writing requests (POST, PUT) this client has sent. */
  public long writes() {
    return writes;
  }

  /**
   * Posts {@code body} as JSON without request headers of the device API: uploads and enrolment
   * carry their signature in the body.
   */
  static PlatformHttp.Response postJson(
      PlatformHttp http, URI uri, Duration timeout, Map<String, Object> body) throws IOException {
    return http.send(
        "POST", uri, Map.of(), Json.write(body).getBytes(StandardCharsets.UTF_8), timeout);
  }

  private Map<String, Object> send(String method, String path, Map<String, Object> body)
      throws IOException {
    if (!method.equals("GET")) {
      writes++;
    }
    String target = API + path;
    byte[] bytes = body == null ? new byte[0] : Json.write(body).getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    Instant sentAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    byte[] signature =
        deviceKey.signDer(DeviceRequestSigning.digest(method, target, nonce, sentAt, bytes));
    Map<String, String> headers =
        Map.of(
            DeviceRequestSigning.DEVICE_KEY_HEADER, deviceKey.publicKey().hex(),
            DeviceRequestSigning.NONCE_HEADER, HexFormat.of().formatHex(nonce),
            DeviceRequestSigning.SENT_AT_HEADER, sentAt.toString(),
            DeviceRequestSigning.SIGNATURE_HEADER, HexFormat.of().formatHex(signature));
    PlatformHttp.Response response;
    try {
      response =
          http.send(
              method, platform.resolve(target), headers, body == null ? null : bytes, timeout);
    } catch (IOException e) {
      throw new PlatformException(0, "", method + " " + target + ": no answer (" + e + ")");
    }
    Map<String, Object> answer;
    try {
      answer = response.body().isBlank() ? Map.of() : Json.parseObject(response.body());
    } catch (FormatException e) {
      throw new PlatformException(
          response.status(),
          "",
          method
              + " "
              + target
              + " answered "
              + response.status()
              + " with a body that is not JSON");
    }
    if (response.status() / 100 != 2) {
      Object code = answer.get("error");
      Object message = answer.get("message");
      throw new PlatformException(
          response.status(),
          code instanceof String c ? c : "",
          method
              + " "
              + target
              + " answered "
              + response.status()
              + ": "
              + (code == null ? "" : code + " ")
              + (message == null ? response.body() : message));
    }
    return answer;
  }
}
