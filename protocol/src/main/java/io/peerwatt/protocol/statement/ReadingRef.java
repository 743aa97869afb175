package io.peerwatt.protocol.statement;

import java.util.Objects;

/**
 * A statement's reference to a reading it used: enough to find it and to check it was not replaced.
 *
 * @param deviceId the signing device
 * @param meterChannel the meter channel on the device
 * @param sequence the reading's sequence number
 * @param readingHashHex SHA-256 of the reading's canonical encoding, lowercase hex
 */
public record ReadingRef(long deviceId, int meterChannel, long sequence, String readingHashHex)
    implements Comparable<ReadingRef> {

  public ReadingRef {
    Objects.requireNonNull(readingHashHex, "readingHashHex");
    if (!readingHashHex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("reading hash must be 64 lowercase hex characters");
    }
  }

  @Override
  public int compareTo(ReadingRef other) {
    int c = Long.compare(deviceId, other.deviceId);
    if (c == 0) {
      c = Integer.compare(meterChannel, other.meterChannel);
    }
    return c != 0 ? c : Long.compare(sequence, other.sequence);
  }
}
