package io.peerwatt.protocol.encoding;

import io.peerwatt.protocol.FormatException;
import java.util.Arrays;

/**
 * Strict reader over a byte array for the wire formats. Every read checks bounds and throws {@link
 * FormatException} naming what was being read; varints must be canonical (shortest form).
 */
public final class ByteReader {
  private final byte[] data;
  private final int end;
  private int pos;

  public ByteReader(byte[] data) {
    this(data, 0, data.length);
  }

  public ByteReader(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > data.length) {
      throw new IllegalArgumentException("range outside array");
    }
    this.data = data;
    this.pos = offset;
    this.end = offset + length;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  private void need(int n, String what) {
    if (n < 0 || end - pos < n) {
      throw new FormatException(
          "truncated "
              + what
              + ": need "
              + n
              + " bytes at offset "
              + pos
              + ", have "
              + (end - pos));
    }
  }

  public int readByte(String what) {
    need(1, what);
    return data[pos++] & 0xFF;
  }

  public byte[] readBytes(int n, String what) {
    need(n, what);
    byte[] out = Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return out;
  }

  public int readUInt16LE(String what) {
    need(2, what);
    int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8;
    pos += 2;
    return v;
  }

  /** Little-endian uint32 as a non-negative long. */
  public long readUInt32LE(String what) {
    need(4, what);
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 8) | (data[pos + i] & 0xFF);
    }
    pos += 4;
    return v;
  }

  public long readInt64LE(String what) {
    need(8, what);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (data[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  public int readUInt16BE(String what) {
    need(2, what);
    int v = (data[pos] & 0xFF) << 8 | (data[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public int readInt32BE(String what) {
    need(4, what);
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (data[pos + i] & 0xFF);
    }
    pos += 4;
    return v;
  }

  public long readInt64BE(String what) {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  /**
   * Bitcoin CompactSize, rejecting non-canonical encodings (a value that fits a shorter form).
   * Values above {@link Long#MAX_VALUE} are rejected too.
   */
  public long readVarInt(String what) {
    int first = readByte(what);
    long v;
    long min;
    switch (first) {
      case 0xFD -> {
        v = readUInt16LE(what);
        min = 0xFD;
      }
      case 0xFE -> {
        v = readUInt32LE(what);
        min = 0x1_0000;
      }
      case 0xFF -> {
        v = readInt64LE(what);
        min = 0x1_0000_0000L;
      }
      default -> {
        return first;
      }
    }
    if (v < min) {
      throw new FormatException("non-canonical varint for " + what + " at offset " + (pos - 1));
    }
    return v;
  }

  /** A varint that must fit in an int and in the remaining bytes times {@code minItemSize}. */
  public int readCount(String what, int minItemSize) {
    long n = readVarInt(what);
    if (n > Integer.MAX_VALUE || n * Math.max(1, minItemSize) > remaining()) {
      throw new FormatException(
          what + " count " + n + " exceeds the remaining " + remaining() + " bytes");
    }
    return (int) n;
  }

  /** A varint length followed by that many bytes. */
  public byte[] readVarBytes(String what) {
    return readBytes(readCount(what + " length", 1), what);
  }

  /** Throws unless every byte was consumed. */
  public void expectEnd(String what) {
    if (pos != end) {
      throw new FormatException((end - pos) + " trailing bytes after " + what);
    }
  }
}
