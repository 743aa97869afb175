package io.peerwatt.gateway;

import io.peerwatt.protocol.Hashes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The bytes a gateway signs for an upload batch and for enrolment (the platform recomputes them).
 * Both are SHA-256 digests signed with the device key (ECDSA secp256k1, low-S, strict DER).
 */
public final class BatchSigning {
  private BatchSigning() {}

  /**
   * SHA-256 of ASCII "PWB1" || nonce (16 bytes) || sentAt epoch ms (int64 BE) || reading count
   * (int32 BE) || each reading's 32-byte hash in batch order.
   */
  public static byte[] batchDigest(byte[] nonce16, Instant sentAt, List<byte[]> readingHashes) {
    if (nonce16.length != 16) {
      throw new IllegalArgumentException("batch nonce must be 16 bytes");
    }
    ByteBuffer buf = ByteBuffer.allocate(4 + 16 + 8 + 4 + 32 * readingHashes.size());
    buf.put("PWB1".getBytes(StandardCharsets.US_ASCII)).put(nonce16).putLong(sentAt.toEpochMilli())
        .putInt(readingHashes.size());
    for (byte[] hash : readingHashes) {
      if (hash.length != 32) {
        throw new IllegalArgumentException("reading hash must be 32 bytes");
      }
      buf.put(hash);
    }
    return Hashes.sha256(buf.array());
  }

  /**
   * SHA-256 of ASCII "PWE1" || utf8(code) || 0x00 || deviceKey (33 bytes) || nonce (16 bytes) ||
   * each meter serial in utf8 followed by 0x00, exactly as the platform recomputes it
   * (trading-core's enrolment route).
   */
  public static byte[] enrollDigest(String code, byte[] deviceKey33, byte[] nonce16, List<String> serials) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PWE1".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(code.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.writeBytes(deviceKey33);
    out.writeBytes(nonce16);
    for (String serial : serials) {
      out.writeBytes(serial.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return Hashes.sha256(out.toByteArray());
  }
}
