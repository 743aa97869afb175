package io.peerwatt.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The journal's acknowledgement pointer: the highest sequence the platform acknowledged, in the
 * file {@code acked} of the journal's directory as {@code u64 sequence, u32 CRC32C of it}, replaced
 * through {@link DurableFiles} so a power cut leaves the old pointer or the new one.
 */
final class AckPointer {
  static final String FILE = "acked";

  private AckPointer() {}

  /** The stored pointer, 0 when the journal has none yet. */
  static long read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != 12) {
      throw new IOException(
          "journal ack pointer " + file + " is damaged (" + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long sequence = buf.getLong();
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 8);
    if ((int) crc.getValue() != buf.getInt()) {
      throw new IOException("journal ack pointer " + file + " fails its CRC");
    }
    return sequence;
  }

  /** Stores {@code sequence}; when this returns it is on disk. */
  static void write(Path dir, long sequence) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(12);
    buf.putLong(sequence);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, 8);
    buf.putInt((int) crc.getValue());
    DurableFiles.replace(dir.resolve(FILE), buf.array());
  }
}
