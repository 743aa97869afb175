package io.peerwatt.gateway.metering;

/** The register map configured for a meter; {@link #AUTO} detects it. */
public enum MapChoice {
  AUTO("auto"),
  SDM630("sdm630"),
  SDM120("sdm120"),
  EM24("em24"),
  SUNSPEC("sunspec");

  private final String code;

  MapChoice(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Parses {@code auto|sdm630|sdm120|em24|sunspec}. */
  public static MapChoice parse(String text) {
    for (MapChoice choice : values()) {
      if (choice.code.equals(text)) {
        return choice;
      }
    }
    throw new IllegalArgumentException(
        "map must be one of auto, sdm630, sdm120, em24, sunspec; got " + text);
  }
}
