package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * How a gateway signs an HTTP request to the platform's device API ({@code /api/v1/gateway/...})
 * with its device key, and how the platform recomputes it. The request carries four headers: {@link
 * #DEVICE_KEY_HEADER} (compressed key, hex), {@link #NONCE_HEADER} (16 random bytes, hex, never
 * reused), {@link #SENT_AT_HEADER} (ISO 8601 UTC with milliseconds) and {@link #SIGNATURE_HEADER}
 * (strict DER, low S, hex) over {@link #digest}.
 */
public final class DeviceRequestSigning {
  public static final String DEVICE_KEY_HEADER = "X-PeerWatt-Device-Key";
  public static final String NONCE_HEADER = "X-PeerWatt-Nonce";
  public static final String SENT_AT_HEADER = "X-PeerWatt-Sent-At";
  public static final String SIGNATURE_HEADER = "X-PeerWatt-Signature";
  private static final byte[] TAG = "PWR1".getBytes(StandardCharsets.US_ASCII);

  private DeviceRequestSigning() {}

  /**
   * SHA-256 of ASCII "PWR1" || utf8(method) || 0x00 || utf8(target) || 0x00 || nonce (16 bytes) ||
   * sentAt epoch ms (int64 BE) || SHA-256(body).
   *
   * @param method the HTTP method in upper case
   * @param target the request target as sent: path and query, e.g. {@code
   *     /api/v1/gateway/statements?after=5}
   * @param body the request body bytes (empty for GET)
   */
  public static byte[] digest(
      String method, String target, byte[] nonce16, Instant sentAt, byte[] body) {
    if (nonce16.length != 16) {
      throw new IllegalArgumentException("request nonce must be 16 bytes");
    }
    byte[] m = method.getBytes(StandardCharsets.UTF_8);
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(TAG.length + m.length + 1 + t.length + 1 + 16 + 8 + 32);
    buf.put(TAG)
        .put(m)
        .put((byte) 0)
        .put(t)
        .put((byte) 0)
        .put(nonce16)
        .putLong(sentAt.toEpochMilli())
        .put(Hashes.sha256(body));
    return Hashes.sha256(buf.array());
  }
}
