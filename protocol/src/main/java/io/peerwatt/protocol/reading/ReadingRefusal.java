package io.peerwatt.protocol.reading;

/**
 * Why the platform refused one reading of an upload batch, as both ends name it: the {@link
 * #name()} is the {@code reason} of a rejected result on the wire and {@link #code()} is stable for
 * storage (a chain restart records it); neither ever changes meaning. Each reason has one {@link
 * Remedy}: what a gateway does about it so that nothing it metered is lost (READING-FORMAT.md,
 * section 7).
 */
public enum ReadingRefusal {
  /** The reading's signature does not verify against its device key (strict DER, low S). */
  BAD_SIGNATURE(1, Remedy.RESTART_AFTER),
  /** The reading names a device key other than the batch's. */
  WRONG_DEVICE(2, Remedy.RESTART_AFTER),
  /** A different reading with this (channel, sequence) is already stored. */
  CONFLICT(3, Remedy.SET_ASIDE),
  /** The sequence skips past the next expected one: the missing readings must come first. */
  GAP(4, Remedy.RETRY),
  /** The sequence is at or below the last accepted one and no such reading is stored. */
  STALE_SEQUENCE(5, Remedy.SET_ASIDE),
  /** prevHash is not the hash of the last accepted reading of the chain. */
  PREV_HASH_MISMATCH(6, Remedy.RESTART_AT),
  /** The platform holds no reading of the chain yet and this one does not start one. */
  NOT_CHAIN_START(7, Remedy.RESTART_AT),
  /** takenAt is not after the previous reading's. */
  TIME_NOT_INCREASING(8, Remedy.RESTART_AFTER),
  /** An energy counter went down without a counterReset or meterSwapped flag. */
  COUNTER_DECREASED(9, Remedy.RESTART_AT),
  /** |powerW| exceeds the metering point's rated connection power. */
  POWER_IMPLAUSIBLE(10, Remedy.RESTART_AFTER),
  /** takenAt lies further in the future than the platform's allowed clock skew. */
  FUTURE_TIMESTAMP(11, Remedy.RETRY);

  /** What a gateway does with a refused reading. */
  public enum Remedy {
    /**
     * Retryable: the refusal can pass (the platform's clock catches up, an earlier reading
     * arrives). The gateway keeps the reading and sends it again later, in order, never skipping
     * ahead.
     */
    RETRY,
    /**
     * Permanent, and the platform's chain is already past this position: the reading is set aside
     * (dead-lettered with its reason) and the next one follows.
     */
    SET_ASIDE,
    /**
     * Permanent: the reading cannot link to the chain the platform holds, but is itself sound. A
     * device-signed {@link ChainRestart} resumes the chain at this very reading, which is kept.
     */
    RESTART_AT,
    /**
     * Permanent: the reading itself is unacceptable. It is set aside and a device-signed {@link
     * ChainRestart} resumes the chain right after it.
     */
    RESTART_AFTER
  }

  private final int code;
  private final Remedy remedy;

  ReadingRefusal(int code, Remedy remedy) {
    this.code = code;
    this.remedy = remedy;
  }

  public int code() {
    return code;
  }

  public Remedy remedy() {
    return remedy;
  }

  /** True when sending the reading again later can succeed. */
  public boolean retryable() {
    return remedy == Remedy.RETRY;
  }

  /** The refusal with this wire name, or null when this version does not know it. */
  public static ReadingRefusal ofName(String name) {
    for (ReadingRefusal r : values()) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** The refusal with this code, or null when this version does not know it. */
  public static ReadingRefusal ofCode(int code) {
    for (ReadingRefusal r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
