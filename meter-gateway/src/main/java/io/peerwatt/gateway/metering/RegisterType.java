package io.peerwatt.gateway.metering;

/** How the words of one register point are read, as register maps name them. */
enum RegisterType {
  UINT16("uint16", 1),
  INT16("int16", 1),
  UINT32("uint32", 2),
  INT32("int32", 2),
  /** SunSpec accumulator: unsigned 32 bit, 0 means not implemented. */
  ACC32("acc32", 2),
  FLOAT32("float32", 2),
  /** SunSpec scale factor: signed 16 bit power of ten, 0x8000 means not implemented. */
  SUNSSF("sunssf", 1),
  /** ASCII text, two characters per register, NUL padded; the width comes from the map. */
  STRING("string", 0);

  private final String code;
  private final int words;

  RegisterType(String code, int words) {
    this.code = code;
    this.words = words;
  }

  /** The name used in map files. */
  String code() {
    return code;
  }

  /** Number of 16-bit registers, 0 for {@link #STRING} (its width is given per point). */
  int words() {
    return words;
  }

  /** Parses a map-file type, {@code string14} meaning a 14-character (7 register) string. */
  static RegisterType parse(String text) {
    if (text.startsWith("string")) {
      return STRING;
    }
    for (RegisterType type : values()) {
      if (type.code.equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown register type " + text);
  }
}
