package io.peerwatt.gateway.metering;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The register map configured for a meter; {@link #AUTO} detects it. */
public enum MapChoice {
  AUTO("auto"),
  SDM630("sdm630"),
  SDM120("sdm120"),
  SDM230("sdm230"),
  SDM72D("sdm72d"),
  EM24("em24"),
  SUNSPEC("sunspec");

  private final String code;

  MapChoice(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The choices as config and command line spell them: {@code auto, sdm630, ...}. */
  public static String codes() {
    return Arrays.stream(values()).map(MapChoice::code).collect(Collectors.joining(", "));
  }

  /** Parses {@code auto|sdm630|sdm120|sdm230|sdm72d|em24|sunspec}. */
  public static MapChoice parse(String text) {
    for (MapChoice choice : values()) {
      if (choice.code.equals(text)) {
        return choice;
      }
    }
    throw new IllegalArgumentException("map must be one of " + codes() + "; got " + text);
  }
}
