package io.peerwatt.gateway;

import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's identity: a secp256k1 device key made on first start and kept in {@code
 * <dataDir>/device.key} (hex, file mode 0600), plus the platform's enrolment answer ({@code
 * enrollment.json}: device id and device certificate) once {@code gateway enroll} succeeded.
 */
public final class DeviceIdentity {
  private static final Logger log = LoggerFactory.getLogger(DeviceIdentity.class);
  static final String KEY_FILE = "device.key";
  static final String ENROLLMENT_FILE = "enrollment.json";
  static final String CHANNEL_KEY_DIR = "wallet";
  static final String CHANNEL_KEY_FILE = "channel.key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private DeviceIdentity() {}

  /** Loads the device key, creating it (0600, written atomically and fsynced) when there is none. */
  public static PrivateKey loadOrCreate(Path dataDir) throws IOException {
    return loadOrCreate(dataDir, KEY_FILE);
  }

  /**
   * The key the gateway signs its owner's payment channels with ({@code wallet/channel.key}, 0600),
   * made on first use. It is kept apart from the device key: the device key says which meter signed a
   * reading, this one moves money, and either can be replaced without the other.
   */
  public static PrivateKey channelKey(Path dataDir) throws IOException {
    return loadOrCreate(dataDir.resolve(CHANNEL_KEY_DIR), CHANNEL_KEY_FILE);
  }

  private static PrivateKey loadOrCreate(Path dir, String fileName) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName);
    if (Files.exists(file)) {
      return load(file);
    }
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    Path tmp = dir.resolve(fileName + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      ch.write(ByteBuffer.wrap((key.hex() + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      // no REPLACE_EXISTING: if another process made a key meanwhile, theirs wins
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
      return load(file);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    log.info("created key {} in {}; its public key is {}", fileName, dir, key.publicKey().hex());
    return key;
  }

  private static PrivateKey load(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new IOException("key " + file + " must be readable by its owner only (chmod 600), is "
          + PosixFilePermissions.toString(perms));
    }
    return PrivateKey.fromHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }

  /** Stores the platform's enrolment answer next to the key (atomically). */
  static void storeEnrollment(Path dataDir, String json) throws IOException {
    Path tmp = dataDir.resolve(ENROLLMENT_FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, dataDir.resolve(ENROLLMENT_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The stored enrolment answer, if the device was enrolled. */
  public static Optional<String> enrollment(Path dataDir) throws IOException {
    Path file = dataDir.resolve(ENROLLMENT_FILE);
    return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
  }
}
