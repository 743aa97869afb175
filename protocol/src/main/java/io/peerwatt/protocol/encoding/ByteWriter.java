package io.peerwatt.protocol.encoding;

import java.util.Arrays;

/**
 * Growable byte buffer for the wire formats: Bitcoin's little-endian integers and varints, and the
 * big-endian fields of PeerWatt's own formats. Not thread-safe.
 */
public final class ByteWriter {
  private byte[] buf;
  private int size;

  public ByteWriter() {
    this(64);
  }

  public ByteWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    int needed = Math.addExact(size, extra);
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }

  public ByteWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  public ByteWriter write(byte[] bytes) {
    return write(bytes, 0, bytes.length);
  }

  public ByteWriter write(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
    return this;
  }

  /** Little-endian 2 bytes. */
  public ByteWriter writeUInt16LE(int v) {
    return writeByte(v).writeByte(v >>> 8);
  }

  /** Little-endian 4 bytes (uint32 or int32). */
  public ByteWriter writeUInt32LE(long v) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  /** Little-endian 8 bytes. */
  public ByteWriter writeInt64LE(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  /** Big-endian 2 bytes. */
  public ByteWriter writeUInt16BE(int v) {
    return writeByte(v >>> 8).writeByte(v);
  }

  /** Big-endian 4 bytes. */
  public ByteWriter writeInt32BE(int v) {
    ensure(4);
    for (int i = 3; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  /** Big-endian 8 bytes. */
  public ByteWriter writeInt64BE(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  /** Bitcoin CompactSize: the shortest of 1, 3, 5 or 9 bytes; {@code v} is read as unsigned. */
  public ByteWriter writeVarInt(long v) {
    if (v >= 0 && v < 0xFD) {
      return writeByte((int) v);
    } else if (v >= 0 && v <= 0xFFFF) {
      return writeByte(0xFD).writeUInt16LE((int) v);
    } else if (v >= 0 && v <= 0xFFFF_FFFFL) {
      return writeByte(0xFE).writeUInt32LE(v);
    }
    return writeByte(0xFF).writeInt64LE(v);
  }

  /** A varint length followed by the bytes. */
  public ByteWriter writeVarBytes(byte[] bytes) {
    return writeVarInt(bytes.length).write(bytes);
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
