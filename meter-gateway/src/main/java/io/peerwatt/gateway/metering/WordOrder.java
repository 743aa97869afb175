package io.peerwatt.gateway.metering;

/** Order of the 16-bit words of a 32-bit value; bytes inside a word are always big-endian. */
enum WordOrder {
  MSW_FIRST("msw-first"),
  LSW_FIRST("lsw-first");

  private final String code;

  WordOrder(String code) {
    this.code = code;
  }

  String code() {
    return code;
  }

  static WordOrder parse(String text) {
    for (WordOrder order : values()) {
      if (order.code.equals(text)) {
        return order;
      }
    }
    throw new IllegalArgumentException("unknown word order " + text);
  }
}
