package io.peerwatt.gateway.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * One value in a register map: where it is (function code and zero-based protocol address, with the
 * address as the manual prints it), how its words are laid out, and the exact rational scale that
 * turns the raw number into the unit the gateway stores (mV, W, Wh).
 *
 * @param quantity what the value is ({@code importTotal}, {@code voltageL1}, ...)
 * @param functionCode 3 (holding registers) or 4 (input registers)
 * @param printedAddress the address as printed in the manual (30073, 464513, 300063) or the SunSpec
 *     offset from the model's ID register
 * @param address zero-based protocol address (or SunSpec offset)
 * @param words number of 16-bit registers
 * @param scaleMultiplier the raw value is multiplied by this ...
 * @param scaleDivisor ... and divided by this (rounding half-even) to get {@code unit}
 * @param sunSpec whether SunSpec's "not implemented" values apply (0x8000, 0xFFFF, 0x80000000,
 *     0xFFFFFFFF); NaN and infinity never count as numbers for any map
 * @param required whether a reading needs this value (the energy counters); a meter may lack any
 *     other point (serial, voltage, power) and its readings are still taken, flagged incomplete
 */
record RegisterPoint(
    String quantity,
    int functionCode,
    int printedAddress,
    int address,
    RegisterType type,
    int words,
    WordOrder wordOrder,
    long scaleMultiplier,
    long scaleDivisor,
    String unit,
    boolean sunSpec,
    boolean required) {

  /**
   * Decodes this point from {@code registers} (big-endian register bytes, this point starting at
   * register index {@code wordOffset}) and converts it to {@link #unit()}; empty when the meter
   * says "not implemented" (SunSpec 0x8000 / 0xFFFF) or the value is not a finite number (NaN,
   * infinity).
   */
  OptionalLong decode(byte[] registers, int wordOffset) {
    return decode(registers, wordOffset, 0);
  }

  /** As {@link #decode(byte[], int)}, with a SunSpec power-of-ten scale factor applied on top. */
  OptionalLong decode(byte[] registers, int wordOffset, int powerOfTen) {
    int at = wordOffset * 2;
    BigDecimal raw;
    switch (type) {
      case UINT16 -> {
        int v = u16(registers, at);
        if (v == 0xFFFF && sunSpec) {
          return OptionalLong.empty();
        }
        raw = BigDecimal.valueOf(v);
      }
      case INT16, SUNSSF -> {
        short v = (short) u16(registers, at);
        if (v == Short.MIN_VALUE && (sunSpec || type == RegisterType.SUNSSF)) {
          return OptionalLong.empty();
        }
        raw = BigDecimal.valueOf(v);
      }
      case UINT32 -> {
        long v = u32(registers, at) & 0xFFFF_FFFFL;
        if (v == 0xFFFF_FFFFL && sunSpec) {
          return OptionalLong.empty();
        }
        raw = BigDecimal.valueOf(v);
      }
      // SunSpec also calls an accumulator of 0 "not implemented", but a new meter that never
      // exported reads 0 as well; 0 is kept as a value (the required TotWh_SF still guards the
      // point)
      case ACC32 -> raw = BigDecimal.valueOf(u32(registers, at) & 0xFFFF_FFFFL);
      case INT32 -> {
        int v = u32(registers, at);
        if (v == Integer.MIN_VALUE && sunSpec) {
          return OptionalLong.empty();
        }
        raw = BigDecimal.valueOf(v);
      }
      case FLOAT32 -> {
        float v = Float.intBitsToFloat(u32(registers, at));
        if (!Float.isFinite(v)) {
          return OptionalLong.empty();
        }
        // the exact binary value of the float, so no double rounding happens before ours
        raw = new BigDecimal(v);
      }
      default -> throw new IllegalStateException(quantity + " is text, not a number");
    }
    BigDecimal scaled =
        raw.scaleByPowerOfTen(powerOfTen)
            .multiply(BigDecimal.valueOf(scaleMultiplier))
            .divide(BigDecimal.valueOf(scaleDivisor), 0, RoundingMode.HALF_EVEN);
    if (scaled.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(scaled.longValueExact());
  }

  /** The text of a {@link RegisterType#STRING} point, NUL padding and blanks trimmed. */
  String decodeText(byte[] registers, int wordOffset) {
    int at = wordOffset * 2;
    int end = at + words * 2;
    int stop = at;
    while (stop < end && registers[stop] != 0) {
      stop++;
    }
    return new String(registers, at, stop - at, StandardCharsets.US_ASCII).trim();
  }

  /**
   * Encodes {@code valueInUnit} (mV, W, Wh) as the meter would (the simulator's side of {@link
   * #decode}); text points take {@link #encodeText}.
   */
  byte[] encode(long valueInUnit) {
    BigDecimal raw =
        BigDecimal.valueOf(valueInUnit)
            .multiply(BigDecimal.valueOf(scaleDivisor))
            .divide(BigDecimal.valueOf(scaleMultiplier), 6, RoundingMode.HALF_EVEN);
    byte[] out = new byte[words * 2];
    switch (type) {
      case UINT16, INT16, SUNSSF ->
          put16(out, 0, raw.setScale(0, RoundingMode.HALF_EVEN).intValueExact());
      case UINT32, INT32, ACC32 ->
          put32(out, raw.setScale(0, RoundingMode.HALF_EVEN).toBigInteger().intValue());
      case FLOAT32 -> put32(out, Float.floatToIntBits(raw.floatValue()));
      default -> throw new IllegalStateException(quantity + " is text, not a number");
    }
    return out;
  }

  /** The last protocol address this point occupies. */
  int lastAddress() {
    return address + words - 1;
  }

  /** Encodes raw 32-bit word content in this point's word order (for NaN and fault injection). */
  byte[] encodeRaw32(int bits) {
    byte[] out = new byte[4];
    put32(out, bits);
    return out;
  }

  byte[] encodeText(String text) {
    byte[] out = new byte[words * 2];
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, out, 0, Math.min(ascii.length, out.length));
    return out;
  }

  private void put32(byte[] out, int bits) {
    int high = bits >>> 16;
    int low = bits & 0xFFFF;
    if (wordOrder == WordOrder.MSW_FIRST) {
      put16(out, 0, high);
      put16(out, 2, low);
    } else {
      put16(out, 0, low);
      put16(out, 2, high);
    }
  }

  private static void put16(byte[] out, int at, int value) {
    out[at] = (byte) (value >>> 8);
    out[at + 1] = (byte) value;
  }

  private int u32(byte[] registers, int at) {
    int first = u16(registers, at);
    int second = u16(registers, at + 2);
    return wordOrder == WordOrder.MSW_FIRST ? (first << 16) | second : (second << 16) | first;
  }

  private static int u16(byte[] registers, int at) {
    return ((registers[at] & 0xFF) << 8) | (registers[at + 1] & 0xFF);
  }
}
