package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The hub's (and custodial) private keys, encrypted at rest.
 *
 * <p>File: JSON {@code
 * {"format":"peerwatt-keyvault","version":1,"kdf":"scrypt","n":..,"r":..,"p":..,
 * "salt":hex,"nonce":hex,"ciphertext":hex}}; the plaintext is {@code {"keys":{"label":"32-byte
 * hex"}}}, sealed with AES-256-GCM under a key derived by scrypt from a secret. The secret is the
 * content of a passphrase file the operator provides, or else a random 32-byte key file generated
 * next to the vault. Both files are written with permissions 0600. Thread-safe.
 */
public final class KeyVault {
  private static final String FORMAT = "peerwatt-keyvault";
  private static final byte[] AAD = "peerwatt-keyvault-v1".getBytes(StandardCharsets.US_ASCII);
  private static final int SCRYPT_N = 1 << 14;
  private static final int SCRYPT_R = 8;
  private static final int SCRYPT_P = 1;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final byte[] secret;
  private final SecureRandom random;
  private final Map<String, PrivateKey> keys = new LinkedHashMap<>();

  private KeyVault(Path file, byte[] secret, SecureRandom random) {
    this.file = file;
    this.secret = secret;
    this.random = random;
  }

  /**
   * Opens (or creates) the vault at {@code vaultFile}. The secret is read from {@code secretFile};
   * if that file does not exist, a random key file is generated there first.
   *
   * @throws WrongSecretException when the secret does not open an existing vault
   */
  public static KeyVault open(Path vaultFile, Path secretFile, SecureRandom random) {
    try {
      if (!Files.exists(secretFile)) {
        byte[] generated = new byte[32];
        random.nextBytes(generated);
        writeOwnerOnly(
            secretFile, HexFormat.of().formatHex(generated).getBytes(StandardCharsets.US_ASCII));
      }
      byte[] secret =
          Files.readString(secretFile, StandardCharsets.UTF_8)
              .strip()
              .getBytes(StandardCharsets.UTF_8);
      if (secret.length == 0) {
        throw new IllegalArgumentException("secret file " + secretFile + " is empty");
      }
      KeyVault vault = new KeyVault(vaultFile, secret, random);
      if (Files.exists(vaultFile)) {
        vault.load();
      }
      return vault;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open key vault " + vaultFile, e);
    }
  }

  /** The key named {@code label}, generated and sealed into the file on first use. */
  public synchronized PrivateKey key(String label) {
    PrivateKey existing = keys.get(label);
    if (existing != null) {
      return existing;
    }
    PrivateKey created = PrivateKey.generate(random);
    keys.put(label, created);
    save();
    return created;
  }

  /** True if the vault holds a key with this label. */
  public synchronized boolean has(String label) {
    return keys.containsKey(label);
  }

  /** The secret did not open the vault (wrong passphrase or tampered file). */
  public static final class WrongSecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongSecretException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void load() throws IOException {
    Map<String, Object> doc = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    if (!FORMAT.equals(Json.string(doc, "format"))
        || Json.integer(doc, "version") != 1
        || !"scrypt".equals(Json.string(doc, "kdf"))) {
      throw new IllegalStateException(file + " is not a version 1 PeerWatt key vault");
    }
    HexFormat hex = HexFormat.of();
    byte[] salt = hex.parseHex(Json.string(doc, "salt"));
    byte[] nonce = hex.parseHex(Json.string(doc, "nonce"));
    byte[] sealed = hex.parseHex(Json.string(doc, "ciphertext"));
    byte[] aesKey =
        SCrypt.generate(
            secret,
            salt,
            (int) Json.integer(doc, "n"),
            (int) Json.integer(doc, "r"),
            (int) Json.integer(doc, "p"),
            32);
    byte[] plain;
    try {
      plain = cipher(Cipher.DECRYPT_MODE, aesKey, nonce).doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw new WrongSecretException("the secret does not open key vault " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
    Map<String, Object> content = Json.parseObject(new String(plain, StandardCharsets.UTF_8));
    Arrays.fill(plain, (byte) 0);
    for (Map.Entry<String, Object> e : Json.object(content, "keys").entrySet()) {
      keys.put(e.getKey(), PrivateKey.fromHex((String) e.getValue()));
    }
  }

  private void save() {
    Map<String, Object> keyHex = new LinkedHashMap<>();
    keys.forEach((label, key) -> keyHex.put(label, key.hex()));
    byte[] plain = Json.write(Map.of("keys", keyHex)).getBytes(StandardCharsets.UTF_8);
    byte[] salt = new byte[16];
    byte[] nonce = new byte[12];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] aesKey = SCrypt.generate(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32);
    byte[] sealed;
    try {
      sealed = cipher(Cipher.ENCRYPT_MODE, aesKey, nonce).doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    HexFormat hex = HexFormat.of();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("version", 1L);
    doc.put("kdf", "scrypt");
    doc.put("n", (long) SCRYPT_N);
    doc.put("r", (long) SCRYPT_R);
    doc.put("p", (long) SCRYPT_P);
    doc.put("salt", hex.formatHex(salt));
    doc.put("nonce", hex.formatHex(nonce));
    doc.put("ciphertext", hex.formatHex(sealed));
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      writeOwnerOnly(tmp, Json.writePretty(doc).getBytes(StandardCharsets.UTF_8));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key vault " + file, e);
    }
  }

  private static Cipher cipher(int mode, byte[] aesKey, byte[] nonce)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(AAD);
    return c;
  }

  private static void writeOwnerOnly(Path path, byte[] content) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(path);
    }
    Files.write(path, content);
  }
}
