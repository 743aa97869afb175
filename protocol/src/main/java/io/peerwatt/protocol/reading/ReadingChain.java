package io.peerwatt.protocol.reading;

import java.util.List;

/** Hash-chain rules for the readings of one (device, channel); signatures are checked elsewhere. */
public final class ReadingChain {
  private ReadingChain() {}

  /** Checks that {@code first} can start a chain (prevHash all zero). */
  public static ReadingChainCheck checkFirst(MeterReading first) {
    return first.isFirst() ? ReadingChainCheck.LINKED : ReadingChainCheck.NOT_FIRST;
  }

  /** Checks that {@code next} directly follows {@code previous}. */
  public static ReadingChainCheck checkLink(MeterReading previous, MeterReading next) {
    if (!next.deviceKey().equals(previous.deviceKey())) {
      return ReadingChainCheck.DEVICE_CHANGED;
    }
    if (next.channel() != previous.channel()) {
      return ReadingChainCheck.CHANNEL_CHANGED;
    }
    return checkNext(ChainHead.of(previous), next);
  }

  /**
   * Checks that {@code next} follows a chain standing at {@code head} (the device and channel are
   * the caller's to match): sequence + 1, prevHash, a later time, and counters that do not decrease
   * unless the reading says why or the head follows a chain restart.
   */
  public static ReadingChainCheck checkNext(ChainHead head, MeterReading next) {
    if (head.sequence() == Long.MAX_VALUE || next.sequence() != head.sequence() + 1) {
      return ReadingChainCheck.SEQUENCE_NOT_NEXT;
    }
    if (!head.hashIs(next.prevHash())) {
      return ReadingChainCheck.PREV_HASH_MISMATCH;
    }
    if (!next.takenAt().isAfter(head.takenAt())) {
      return ReadingChainCheck.TIME_NOT_INCREASING;
    }
    boolean reset =
        head.countersFree()
            || next.has(ReadingFlag.COUNTER_RESET)
            || next.has(ReadingFlag.METER_SWAPPED);
    if (!reset && (next.importWh() < head.importWh() || next.exportWh() < head.exportWh())) {
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
