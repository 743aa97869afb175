package io.peerwatt.gateway.journal;

import java.time.Instant;
import java.util.HexFormat;

/**
 * One signed reading as the journal keeps it.
 *
 * @param sequence the device's reading sequence number (contiguous unless the full-journal policy
 *     dropped finer-cadence readings)
 * @param takenAt when the reading was taken (UTC)
 * @param boundary true for the reading at a UTC quarter-hour boundary (kept when the journal is
 *     full)
 * @param readingHash the 32-byte hash of the signed reading (the next reading links to it)
 * @param signedReading the signed reading's canonical bytes, opaque to the journal
 */
public record JournalEntry(
    long sequence, Instant takenAt, boolean boundary, byte[] readingHash, byte[] signedReading) {
  public JournalEntry {
    if (readingHash.length != 32) {
      throw new IllegalArgumentException("reading hash must be 32 bytes");
    }
    readingHash = readingHash.clone();
    signedReading = signedReading.clone();
  }

  @Override
  public byte[] readingHash() {
    return readingHash.clone();
  }

  @Override
  public byte[] signedReading() {
    return signedReading.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JournalEntry e
        && e.sequence == sequence
        && e.takenAt.equals(takenAt)
        && e.boundary == boundary
        && java.util.Arrays.equals(e.readingHash, readingHash)
        && java.util.Arrays.equals(e.signedReading, signedReading);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + java.util.Arrays.hashCode(readingHash);
  }

  @Override
  public String toString() {
    return "JournalEntry[#"
        + sequence
        + " "
        + takenAt
        + (boundary ? " boundary" : "")
        + " hash "
        + HexFormat.of().formatHex(readingHash)
        + ", "
        + signedReading.length
        + " bytes]";
  }
}
