package io.peerwatt.protocol.flex;

import io.peerwatt.protocol.FormatException;

/** What the home changes; the code is the byte in the signed digest, so ordinals never matter. */
public enum FlexAction {
  /** Draw less from the grid (discharge the battery). */
  REDUCE_IMPORT(1),
  /** Feed less into the grid (charge the battery or curtail the inverter). */
  REDUCE_EXPORT(2);

  private final int code;

  FlexAction(int code) {
    this.code = code;
  }

  /** The byte signed in the digest. */
  public int code() {
    return code;
  }

  /** The action with this code. */
  public static FlexAction ofCode(int code) {
    for (FlexAction a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    throw new FormatException("unknown flexibility action code " + code);
  }

  /** The action with this JSON name (exact, upper case). */
  public static FlexAction ofName(String name) {
    for (FlexAction a : values()) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    throw new FormatException("unknown flexibility action \"" + name + "\"");
  }
}
