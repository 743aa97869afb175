package io.peerwatt.trading;

import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's secrets, kept as hex files in {@code <data-dir>/keys} with owner-only permissions
 * (files 0600, the directory 0700) and created on first start: the secp256k1 key that signs device
 * certificates and proof bundles and, unless a secret file is configured, the HS256 secret that
 * signs login tokens. The composition root loads them once and hands them to who needs them.
 */
public final class PlatformKeys {
  private static final Logger log = LoggerFactory.getLogger(PlatformKeys.class);
  static final String SIGNING_KEY_FILE = "platform-signing.key";
  static final String JWT_SECRET_FILE = "jwt-hs256.key";

  private final PrivateKey signingKey;
  private final byte[] jwtSecret;

  private PlatformKeys(PrivateKey signingKey, byte[] jwtSecret) {
    this.signingKey = signingKey;
    this.jwtSecret = jwtSecret;
  }

  /**
   * Loads the keys, creating missing ones. Blocking file I/O: call it from a worker or at start.
   */
  public static PlatformKeys loadOrCreate(TradingSettings settings, SecureRandom random) {
    Path dir = settings.dataDir().resolve("keys");
    byte[] signing =
        readOrCreate(dir.resolve(SIGNING_KEY_FILE), () -> PrivateKey.generate(random).bytes());
    byte[] jwt;
    if (settings.jwtSecretFile() != null) {
      jwt = readSecret(settings.jwtSecretFile());
      if (jwt.length < 32) {
        throw new IllegalArgumentException(
            "the token secret in " + settings.jwtSecretFile() + " must have at least 32 bytes");
      }
    } else {
      jwt =
          readOrCreate(
              dir.resolve(JWT_SECRET_FILE),
              () -> {
                byte[] b = new byte[32];
                random.nextBytes(b);
                return b;
              });
    }
    return new PlatformKeys(PrivateKey.fromBytes(signing), jwt);
  }

  /** The key that signs device certificates and proof bundles (what verifiers must trust). */
  public PrivateKey signingKey() {
    return signingKey;
  }

  /** The HS256 secret of login tokens. */
  public byte[] jwtSecret() {
    return jwtSecret.clone();
  }

  private static byte[] readOrCreate(Path file, java.util.function.Supplier<byte[]> create) {
    try {
      if (!Files.exists(file)) {
        if (!Files.isDirectory(file.getParent())) {
          Files.createDirectories(file.getParent());
          restrict(file.getParent(), "rwx------");
        }
        byte[] fresh = create.get();
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
          restrict(tmp, "rw-------");
          Files.writeString(
              tmp,
              HexFormat.of().formatHex(fresh) + "\n",
              StandardCharsets.US_ASCII,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.SYNC);
          // a concurrent first start keeps whichever file landed first
          Files.move(tmp, file);
          log.info("Created {}", file);
        } catch (FileAlreadyExistsException e) {
          Files.deleteIfExists(tmp);
        }
      }
      return readSecret(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create key file " + file, e);
    }
  }

  private static byte[] readSecret(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return HexFormat.of().parseHex(text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key file " + file + " must hold one line of hex", e);
    }
  }

  private static void restrict(Path file, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      log.warn("Cannot restrict permissions of {} on this file system", file);
    }
  }
}
