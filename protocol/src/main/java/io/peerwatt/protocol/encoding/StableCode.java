package io.peerwatt.protocol.encoding;

/**
 * A constant's frozen identity in storage and APIs: a numeric code (never the ordinal) and the text
 * that goes with it. Enums of refusal reasons, item kinds and check steps each hold one and answer
 * their accessors through the interfaces below, so none repeats the fields and getters.
 *
 * @param code the stable numeric code
 * @param text the description for people, or the frozen JSON name
 */
public record StableCode(int code, String text) {

  /** A constant that carries a {@link StableCode}. */
  public interface Coded {
    StableCode stableCode();

    /** Stable numeric code (never the ordinal). */
    default int code() {
      return stableCode().code();
    }
  }

  /** A coded constant whose text describes it for people. */
  public interface Described extends Coded {
    default String description() {
      return stableCode().text();
    }
  }

  /** A coded constant whose text is its frozen name in JSON. */
  public interface JsonNamed extends Coded {
    default String jsonName() {
      return stableCode().text();
    }
  }
}
