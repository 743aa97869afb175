package io.peerwatt.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The journal's bytes on disk. A segment file starts with {@link #SEGMENT_MAGIC}, then records,
 * each {@code u32 body length, u32 CRC32C of the body} and a body {@code u8 version (1), u64
 * sequence, u64 takenAt epoch ms, u8 kind (1 boundary, 2 cadence), 32-byte reading hash, u32
 * payload length, payload (the signed reading)}, all big-endian.
 */
final class JournalRecord {
  static final byte[] SEGMENT_MAGIC = {'P', 'W', 'J', 'R', 'N', 'L', '0', '1'};
  private static final int RECORD_HEADER = 8; // u32 body length, u32 crc32c of body
  private static final int BODY_FIXED = 1 + 8 + 8 + 1 + 32 + 4;
  private static final int MAX_BODY = 1 << 20;
  private static final byte VERSION = 1;
  private static final byte KIND_BOUNDARY = 1;
  private static final byte KIND_CADENCE = 2;

  private JournalRecord() {}

  /** One record read back, with its length on disk (header included). */
  record Decoded(
      long sequence,
      Instant takenAt,
      boolean boundary,
      byte[] hash,
      byte[] payload,
      int totalLength) {
    JournalEntry entry() {
      return new JournalEntry(sequence, takenAt, boundary, hash, payload);
    }
  }

  /** The record of {@code entry}, ready to write. */
  static ByteBuffer encode(JournalEntry entry) {
    byte[] payload = entry.signedReading();
    int bodyLength = BODY_FIXED + payload.length;
    if (bodyLength > MAX_BODY) {
      throw new IllegalArgumentException("signed reading too large: " + payload.length + " bytes");
    }
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    body.put(VERSION)
        .putLong(entry.sequence())
        .putLong(entry.takenAt().toEpochMilli())
        .put(entry.boundary() ? KIND_BOUNDARY : KIND_CADENCE)
        .put(entry.readingHash())
        .putInt(payload.length)
        .put(payload);
    CRC32C crc = new CRC32C();
    crc.update(body.array());
    ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + bodyLength);
    record.putInt(bodyLength).putInt((int) crc.getValue()).put(body.array()).flip();
    return record;
  }

  /** Reads and checks one record; null when it is torn, oversized or fails its CRC. */
  static Decoded read(FileChannel ch, long offset, long size) throws IOException {
    if (size - offset < RECORD_HEADER) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
    readFully(ch, header, offset);
    header.flip();
    int bodyLength = header.getInt();
    int crc = header.getInt();
    if (bodyLength < BODY_FIXED
        || bodyLength > MAX_BODY
        || size - offset - RECORD_HEADER < bodyLength) {
      return null;
    }
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    readFully(ch, body, offset + RECORD_HEADER);
    CRC32C check = new CRC32C();
    check.update(body.array());
    if ((int) check.getValue() != crc) {
      return null;
    }
    body.flip();
    if (body.get() != VERSION) {
      return null;
    }
    long sequence = body.getLong();
    Instant takenAt = Instant.ofEpochMilli(body.getLong());
    byte kind = body.get();
    byte[] hash = new byte[32];
    body.get(hash);
    int payloadLength = body.getInt();
    if (payloadLength != body.remaining() || (kind != KIND_BOUNDARY && kind != KIND_CADENCE)) {
      return null;
    }
    byte[] payload = new byte[payloadLength];
    body.get(payload);
    return new Decoded(
        sequence, takenAt, kind == KIND_BOUNDARY, hash, payload, RECORD_HEADER + bodyLength);
  }

  /** Fills {@code buffer} from {@code position} on, or as far as the file goes. */
  static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
  }
}
