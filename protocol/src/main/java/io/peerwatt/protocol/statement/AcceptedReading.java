package io.peerwatt.protocol.statement;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One accepted, signed meter reading as settlement sees it: the meter's own cumulative counters.
 *
 * @param deviceId the gateway (device) that signed it
 * @param meterChannel the meter channel on that device (0..65535); sequences count per (device,
 *     channel)
 * @param sequence the device's sequence number, from 0
 * @param takenAt when the meter was read (UTC)
 * @param importWh cumulative imported energy, Wh, never decreasing along a device's sequence
 * @param exportWh cumulative exported energy, Wh, never decreasing along a device's sequence
 * @param readingHashHex SHA-256 of the reading's canonical encoding, 64 lowercase hex characters
 */
public record AcceptedReading(
    long deviceId,
    int meterChannel,
    long sequence,
    Instant takenAt,
    long importWh,
    long exportWh,
    String readingHashHex) {

  public AcceptedReading {
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(readingHashHex, "readingHashHex");
    if (meterChannel < 0 || meterChannel > 0xFFFF) {
      throw new IllegalArgumentException("meter channel must be 0..65535: " + meterChannel);
    }
    if (sequence < 0 || importWh < 0 || exportWh < 0) {
      throw new IllegalArgumentException("sequence and counters must not be negative: " + sequence);
    }
    if (!readingHashHex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("reading hash must be 64 lowercase hex characters");
    }
  }

  /** Convenience for adapters holding the raw 32-byte hash. */
  public static AcceptedReading of(
      long deviceId,
      int meterChannel,
      long sequence,
      Instant takenAt,
      long importWh,
      long exportWh,
      byte[] readingHash) {
    return new AcceptedReading(
        deviceId,
        meterChannel,
        sequence,
        takenAt,
        importWh,
        exportWh,
        HexFormat.of().formatHex(readingHash));
  }

  /** The reference a statement keeps to this reading. */
  public ReadingRef ref() {
    return new ReadingRef(deviceId, meterChannel, sequence, readingHashHex);
  }
}
