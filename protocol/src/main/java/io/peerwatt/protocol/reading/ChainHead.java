package io.peerwatt.protocol.reading;

import java.time.Instant;
import java.util.Arrays;

/**
 * Where a (device, channel) reading chain stands: what the next reading must link to. Normally the
 * last accepted reading; after a {@link ChainRestart}, the restart's resume point, with the time
 * and counters of the last reading accepted before it.
 *
 * @param sequence the next reading's sequence must be this + 1
 * @param hash the next reading's prevHash must be this (32 bytes)
 * @param takenAt the next reading must be taken after this
 * @param importWh import counter the next reading may not go below (unless it is free)
 * @param exportWh export counter the next reading may not go below (unless it is free)
 * @param countersFree true right after a chain restart: the next reading's counters may be any
 *     value, as after a counter reset (the break is explicit and recorded)
 */
public record ChainHead(
    long sequence,
    byte[] hash,
    Instant takenAt,
    long importWh,
    long exportWh,
    boolean countersFree) {

  public ChainHead {
    if (hash.length != 32) {
      throw new IllegalArgumentException("a chain head hash is 32 bytes");
    }
    hash = hash.clone();
  }

  /** The head a reading makes once it is accepted. */
  public static ChainHead of(MeterReading last) {
    return new ChainHead(
        last.sequence(), last.hash(), last.takenAt(), last.importWh(), last.exportWh(), false);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** True when {@code h} is this head's hash. */
  public boolean hashIs(byte[] h) {
    return Arrays.equals(hash, h);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainHead h
        && sequence == h.sequence
        && Arrays.equals(hash, h.hash)
        && takenAt.equals(h.takenAt)
        && importWh == h.importWh
        && exportWh == h.exportWh
        && countersFree == h.countersFree;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "ChainHead[#" + sequence + " " + takenAt + (countersFree ? " restarted" : "") + "]";
  }
}
