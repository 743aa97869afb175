package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Hash-chain rules for the readings of one (device, channel); signatures are checked elsewhere. */
public final class ReadingChain {
  private ReadingChain() {}

  /**
   * What the next reading of a chain is checked against: the fields of its last reading that {@link
   * #checkLink} reads, with that reading's hash, so a platform can keep a chain's tip without its
   * whole last reading. After a {@link ChainRestart} the tip is the restart's resume point (see
   * {@link ChainHead}).
   *
   * @param hash the last reading's hash (32 bytes), or the resume point's prevHash
   * @param countersFree true right after a chain restart: the next reading's counters may be any
   *     value
   */
  public record Tip(
      PublicKey deviceKey,
      int channel,
      long sequence,
      byte[] hash,
      Instant takenAt,
      long importWh,
      long exportWh,
      boolean countersFree) {
    public Tip {
      Objects.requireNonNull(deviceKey, "deviceKey");
      Objects.requireNonNull(takenAt, "takenAt");
      if (hash.length != 32) {
        throw new IllegalArgumentException("a reading hash is 32 bytes");
      }
      hash = hash.clone();
    }

    /** The tip a reading leaves, given its hash (computed once by the caller). */
    public static Tip of(MeterReading r, byte[] hash) {
      return new Tip(
          r.deviceKey(),
          r.channel(),
          r.sequence(),
          hash,
          r.takenAt(),
          r.importWh(),
          r.exportWh(),
          false);
    }

    /** Where the chain stands, as a chain restart names it. */
    public ChainHead head() {
      return new ChainHead(sequence, hash, takenAt, importWh, exportWh, countersFree);
    }

    @Override
    public byte[] hash() {
      return hash.clone();
    }

    boolean hashEquals(byte[] other) {
      return Arrays.equals(hash, other);
    }
  }

  /** Checks that {@code first} can start a chain (prevHash all zero). */
  public static ReadingChainCheck checkFirst(MeterReading first) {
    return first.isFirst() ? ReadingChainCheck.LINKED : ReadingChainCheck.NOT_FIRST;
  }

  /** Checks that {@code next} directly follows {@code previous}. */
  public static ReadingChainCheck checkLink(MeterReading previous, MeterReading next) {
    return checkLink(Tip.of(previous, previous.hash()), next);
  }

  /** Checks that {@code next} directly follows the reading that left {@code previous}. */
  public static ReadingChainCheck checkLink(Tip previous, MeterReading next) {
    if (!next.deviceKey().equals(previous.deviceKey())) {
      return ReadingChainCheck.DEVICE_CHANGED;
    }
    if (next.channel() != previous.channel()) {
      return ReadingChainCheck.CHANNEL_CHANGED;
    }
    return follows(
        previous.sequence(),
        previous.hashEquals(next.prevHash()),
        previous.takenAt(),
        previous.importWh(),
        previous.exportWh(),
        previous.countersFree(),
        next);
  }

  /**
   * Checks that {@code next} follows a chain standing at {@code head} (the device and channel are
   * the caller's to match): sequence + 1, prevHash, a later time, and counters that do not decrease
   * unless the reading says why or the head follows a chain restart.
   */
  public static ReadingChainCheck checkNext(ChainHead head, MeterReading next) {
    return follows(
        head.sequence(),
        head.hashIs(next.prevHash()),
        head.takenAt(),
        head.importWh(),
        head.exportWh(),
        head.countersFree(),
        next);
  }

  private static ReadingChainCheck follows(
      long sequence,
      boolean hashLinks,
      Instant takenAt,
      long importWh,
      long exportWh,
      boolean countersFree,
      MeterReading next) {
    if (sequence == Long.MAX_VALUE || next.sequence() != sequence + 1) {
      return ReadingChainCheck.SEQUENCE_NOT_NEXT;
    }
    if (!hashLinks) {
      return ReadingChainCheck.PREV_HASH_MISMATCH;
    }
    if (!next.takenAt().isAfter(takenAt)) {
      return ReadingChainCheck.TIME_NOT_INCREASING;
    }
    boolean reset =
        countersFree || next.has(ReadingFlag.COUNTER_RESET) || next.has(ReadingFlag.METER_SWAPPED);
    if (!reset && (next.importWh() < importWh || next.exportWh() < exportWh)) {
      return ReadingChainCheck.COUNTER_DECREASED;
    }
    return ReadingChainCheck.LINKED;
  }

  /**
   * Checks a run of consecutive readings; the first is linked only to what precedes it when it is
   * the chain's start. Returns the index of the first reading that does not link, or -1 when all
   * do.
   */
  public static int firstBrokenLink(List<MeterReading> readings, boolean startsChain) {
    for (int i = 0; i < readings.size(); i++) {
      ReadingChainCheck c =
          i == 0
              ? (startsChain ? checkFirst(readings.get(0)) : ReadingChainCheck.LINKED)
              : checkLink(readings.get(i - 1), readings.get(i));
      if (c != ReadingChainCheck.LINKED) {
        return i;
      }
    }
    return -1;
  }
}
