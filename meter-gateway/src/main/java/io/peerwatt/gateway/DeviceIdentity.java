package io.peerwatt.gateway;

import io.peerwatt.gateway.wallet.WalletConfig;
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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's keys: the secp256k1 device key made on first start and kept in {@code
 * <dataDir>/device.key} (hex, file mode 0600), and the wallet's channel key beside the wallet's
 * files. The platform's enrolment answer is kept by {@link
 * io.peerwatt.gateway.platform.Enrollment}.
 */
public final class DeviceIdentity {
  private static final Logger log = LoggerFactory.getLogger(DeviceIdentity.class);
  static final String KEY_FILE = "device.key";
  static final String CHANNEL_KEY_FILE = "channel.key";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private DeviceIdentity() {}

  /** Whether the device key was made (the gateway ran or enrolled in {@code dataDir}). */
  public static boolean hasDeviceKey(Path dataDir) {
    return Files.exists(dataDir.resolve(KEY_FILE));
  }

  /**
   * Loads the device key, creating it (0600, written atomically and fsynced) when there is none.
   */
  public static PrivateKey loadOrCreate(Path dataDir) throws IOException {
    return loadOrCreate(dataDir, KEY_FILE);
  }

  /**
   * The key the gateway signs its owner's payment channels with ({@code wallet/channel.key}, 0600),
   * made on first use. It is kept apart from the device key: the device key says which meter signed
   * a reading, this one moves money, and either can be replaced without the other.
   */
  public static PrivateKey channelKey(Path dataDir) throws IOException {
    return loadOrCreate(dataDir.resolve(WalletConfig.DIR), CHANNEL_KEY_FILE);
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
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
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
      throw new IOException(
          "key "
              + file
              + " must be readable by its owner only (chmod 600), is "
              + PosixFilePermissions.toString(perms));
    }
    return PrivateKey.fromHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }
}
