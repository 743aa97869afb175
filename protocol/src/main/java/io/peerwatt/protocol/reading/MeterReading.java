package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One meter reading as the gateway signs it (format version 1, specified in {@code
 * protocol/READING-FORMAT.md}). The binary form is {@link ReadingCodec#ENCODED_LENGTH} bytes,
 * big-endian, fixed layout; its SHA-256 is the reading hash that the signature covers and the next
 * reading of the same (device, channel) chain points to.
 *
 * @param version format version, 1 byte; only 1 is defined
 * @param deviceKey the signing device's compressed public key, 33 bytes
 * @param channel meter channel on the device, uint16 [0, 65535]
 * @param sequence position in the (device, channel) chain, int64 [0, 2^63-1], +1 per reading
 * @param takenAt UTC time of the reading, millisecond precision (int64 ms since the epoch, &gt;= 0)
 * @param importWh the meter's cumulative imported energy, Wh, int64 [0, 2^63-1]
 * @param exportWh the meter's cumulative exported energy, Wh, int64 [0, 2^63-1]
 * @param powerW instantaneous active power, W, int32; positive = importing from the grid
 * @param voltageL1Mv phase L1 voltage, millivolts, int32 [0, 2^31-1]; 0 = not measured
 * @param flags quality flags, 16-bit field (see {@link ReadingFlag})
 * @param prevHash hash of the previous reading of the chain, 32 bytes; all zero for the first
 */
public record MeterReading(
    int version,
    PublicKey deviceKey,
    int channel,
    long sequence,
    Instant takenAt,
    long importWh,
    long exportWh,
    int powerW,
    int voltageL1Mv,
    Set<ReadingFlag> flags,
    byte[] prevHash) {

  /** The only format version defined so far. */
  public static final int VERSION_1 = 1;

  public MeterReading {
    if (version != VERSION_1) {
      throw new IllegalArgumentException("unsupported reading format version " + version);
    }
    if (!deviceKey.isCompressed()) {
      throw new IllegalArgumentException("device key must be compressed");
    }
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("channel must be in [0, 65535]: " + channel);
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
    if (takenAt.getNano() % 1_000_000 != 0 || takenAt.isBefore(Instant.EPOCH)) {
      throw new IllegalArgumentException(
          "takenAt must be at or after 1970 with millisecond precision (truncate to millis): "
              + takenAt);
    }
    try {
      takenAt.toEpochMilli(); // range check now, so encoding cannot overflow later
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "takenAt is beyond the 64-bit millisecond range: " + takenAt);
    }
    if (importWh < 0 || exportWh < 0) {
      throw new IllegalArgumentException("energy counters must not be negative");
    }
    if (voltageL1Mv < 0) {
      throw new IllegalArgumentException("voltage must not be negative: " + voltageL1Mv);
    }
    if (prevHash.length != 32) {
      throw new IllegalArgumentException("prevHash must be 32 bytes");
    }
    flags =
        Collections.unmodifiableSet(
            flags.isEmpty() ? EnumSet.noneOf(ReadingFlag.class) : EnumSet.copyOf(flags));
    prevHash = prevHash.clone();
  }

  /** The 32 zero bytes that stand for "no previous reading". */
  public static byte[] noPrevious() {
    return new byte[32];
  }

  @Override
  public byte[] prevHash() {
    return prevHash.clone();
  }

  /** True for the first reading of a chain (prevHash all zero). */
  public boolean isFirst() {
    return Arrays.equals(prevHash, new byte[32]);
  }

  public boolean has(ReadingFlag flag) {
    return flags.contains(flag);
  }

  /** The canonical binary encoding (see {@link ReadingCodec}). */
  public byte[] encode() {
    return ReadingCodec.encode(this);
  }

  /** SHA-256 of {@link #encode()}: what the device signs and the next reading's prevHash. */
  public byte[] hash() {
    return Hashes.sha256(encode());
  }

  /** The JSON object form (see {@link ReadingCodec#toJson(MeterReading)}). */
  public Map<String, Object> toJson() {
    return ReadingCodec.toJson(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeterReading r
        && version == r.version
        && deviceKey.equals(r.deviceKey)
        && channel == r.channel
        && sequence == r.sequence
        && takenAt.equals(r.takenAt)
        && importWh == r.importWh
        && exportWh == r.exportWh
        && powerW == r.powerW
        && voltageL1Mv == r.voltageL1Mv
        && flags.equals(r.flags)
        && Arrays.equals(prevHash, r.prevHash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(prevHash) * 31 + Long.hashCode(sequence) * 17 + deviceKey.hashCode();
  }

  @Override
  public String toString() {
    return "MeterReading[" + StrictHex.encode(encode()) + "]";
  }
}
