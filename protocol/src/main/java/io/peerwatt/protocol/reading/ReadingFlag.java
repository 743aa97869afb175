package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.FormatException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Quality flags of a meter reading. {@code bit} is the mask in the 16-bit flags field of the
 * encoding and {@code jsonName} its name in the JSON form; both are frozen (never the ordinal).
 */
public enum ReadingFlag {
  /** The meter did not answer in time; the counters repeat the last good values. */
  TIMEOUT(0x0001, "timeout"),
  /** Values were estimated (interpolated or substituted), not read from the meter. */
  ESTIMATED(0x0002, "estimated"),
  /**
   * The meter's energy counters were reset; a decrease against the previous reading is expected.
   */
  COUNTER_RESET(0x0004, "counterReset"),
  /** The gateway clock was not synchronised (NTP) when the reading was taken. */
  CLOCK_UNSYNCHRONISED(0x0008, "clockUnsynchronised"),
  /** The meter behind this channel was replaced; counters restart from the new meter's values. */
  METER_SWAPPED(0x0010, "meterSwapped"),
  /**
   * The meter did not give a value the map reads but does not need (power or voltage): that field
   * is 0; the counters were read from the meter.
   */
  INCOMPLETE(0x0020, "incomplete");

  /** Mask of all bits defined by format version 1; other bits must be zero. */
  public static final int KNOWN_BITS = 0x003F;

  private final int bit;
  private final String jsonName;

  ReadingFlag(int bit, String jsonName) {
    this.bit = bit;
    this.jsonName = jsonName;
  }

  public int bit() {
    return bit;
  }

  public String jsonName() {
    return jsonName;
  }

  /** The flags field value of a set of flags. */
  public static int toBits(Set<ReadingFlag> flags) {
    int bits = 0;
    for (ReadingFlag f : flags) {
      bits |= f.bit;
    }
    return bits;
  }

  /** The flags of a field value; {@link FormatException} on a bit not defined in version 1. */
  public static Set<ReadingFlag> fromBits(int bits) {
    if ((bits & ~KNOWN_BITS) != 0) {
      throw new FormatException(
          "unknown reading flag bits 0x" + Integer.toHexString(bits & ~KNOWN_BITS));
    }
    EnumSet<ReadingFlag> out = EnumSet.noneOf(ReadingFlag.class);
    for (ReadingFlag f : values()) {
      if ((bits & f.bit) != 0) {
        out.add(f);
      }
    }
    return out;
  }

  /** The flag named {@code name} in JSON. */
  public static ReadingFlag fromJsonName(String name) {
    for (ReadingFlag f : values()) {
      if (f.jsonName.equals(name)) {
        return f;
      }
    }
    throw new FormatException("unknown reading flag \"" + name + "\"");
  }
}
