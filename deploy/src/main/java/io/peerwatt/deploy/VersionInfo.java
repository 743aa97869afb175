package io.peerwatt.deploy;

import io.peerwatt.protocol.keys.Secp256k1Ecdsa;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version Maven wrote into the jar ({@code version.properties}) and the secp256k1
 * implementation this JVM signs and verifies with, for {@code --version}.
 */
public final class VersionInfo {
  private VersionInfo() {}

  /** The {@code --version} lines of {@code program}. */
  public static String[] lines(String program) {
    return new String[] {
      program + " " + version(), "secp256k1: " + Secp256k1Ecdsa.inUse().description()
    };
  }

  public static String version() {
    Properties props = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props.getProperty("version", "unknown");
  }
}
