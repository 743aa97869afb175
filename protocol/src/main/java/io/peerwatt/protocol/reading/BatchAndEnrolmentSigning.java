package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.Hashes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The bytes a gateway signs with its device key for an upload batch and for its enrolment, and the
 * platform recomputes to check them. Both are SHA-256 digests signed with ECDSA secp256k1, low S,
 * strict DER; each starts with its own domain tag so it can never be mistaken for another signed
 * format. (The device API's request signature is {@link DeviceRequestSigning}.)
 */
public final class BatchAndEnrolmentSigning {
  private static final byte[] BATCH_TAG = "PWB1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENROLMENT_TAG = "PWE1".getBytes(StandardCharsets.US_ASCII);

  private BatchAndEnrolmentSigning() {}

  /**
   * SHA-256 of ASCII "PWB1" || nonce (16 bytes) || sentAt epoch ms (int64 BE) || reading count
   * (int32 BE) || each reading's 32-byte hash in batch order.
   */
  public static byte[] batchDigest(byte[] nonce16, Instant sentAt, List<byte[]> readingHashes) {
    if (nonce16.length != 16) {
      throw new IllegalArgumentException("batch nonce must be 16 bytes");
    }
    ByteBuffer buf = ByteBuffer.allocate(BATCH_TAG.length + 16 + 8 + 4 + 32 * readingHashes.size());
    buf.put(BATCH_TAG).put(nonce16).putLong(sentAt.toEpochMilli()).putInt(readingHashes.size());
    for (byte[] hash : readingHashes) {
      if (hash.length != 32) {
        throw new IllegalArgumentException("reading hash must be 32 bytes");
      }
      buf.put(hash);
    }
    return Hashes.sha256(buf.array());
  }

  /**
   * SHA-256 of ASCII "PWE1" || utf8(code) || 0x00 || deviceKey (33 bytes, compressed) || nonce (16
   * bytes) || each meter serial in utf8 followed by 0x00.
   */
  public static byte[] enrolmentDigest(
      String code, byte[] deviceKey33, byte[] nonce16, List<String> serials) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ENROLMENT_TAG);
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
