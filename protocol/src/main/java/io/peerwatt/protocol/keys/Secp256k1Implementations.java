package io.peerwatt.protocol.keys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses {@link Secp256k1Ecdsa#inUse()} once per JVM, when this class is first used, and logs the
 * choice once. The native library is loaded at most once too (it cannot be retried in one JVM
 * anyway).
 */
final class Secp256k1Implementations {
  private static final Logger LOG = LoggerFactory.getLogger(Secp256k1Ecdsa.class);

  static final Secp256k1Ecdsa IN_USE = choose(System.getProperty(Secp256k1Ecdsa.PROPERTY));

  private Secp256k1Implementations() {}

  /**
   * libsecp256k1, loaded on first use; {@link NativeSecp256k1Ecdsa.Loaded#failure()} says why not.
   */
  static NativeSecp256k1Ecdsa.Loaded nativeLibrary() {
    return NativeHolder.LOADED;
  }

  private static final class NativeHolder {
    static final NativeSecp256k1Ecdsa.Loaded LOADED = NativeSecp256k1Ecdsa.load();
  }

  private static Secp256k1Ecdsa choose(String property) {
    if ("bouncycastle".equals(property)) {
      Secp256k1Ecdsa chosen =
          new BouncyCastleSecp256k1Ecdsa(
              "forced by -D" + Secp256k1Ecdsa.PROPERTY + "=bouncycastle");
      LOG.info("secp256k1 ECDSA: {}", chosen.description());
      return chosen;
    }
    if (property != null) {
      LOG.warn(
          "-D{}={} ignored: the only value is bouncycastle", Secp256k1Ecdsa.PROPERTY, property);
    }
    NativeSecp256k1Ecdsa.Loaded loaded = nativeLibrary();
    if (loaded.implementation() != null) {
      LOG.info("secp256k1 ECDSA: {}", loaded.implementation().description());
      return loaded.implementation();
    }
    Secp256k1Ecdsa chosen =
        new BouncyCastleSecp256k1Ecdsa("libsecp256k1 did not load: " + describe(loaded.failure()));
    LOG.warn(
        "secp256k1 ECDSA: {}; signing and verifying are several times slower",
        chosen.description());
    return chosen;
  }

  /** A failure and its causes on one line: the loader wraps the useful message two levels deep. */
  static String describe(Throwable failure) {
    StringBuilder line = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (!line.isEmpty()) {
        line.append(" <- ");
      }
      line.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        line.append(": ").append(t.getMessage());
      }
    }
    return line.toString();
  }
}
