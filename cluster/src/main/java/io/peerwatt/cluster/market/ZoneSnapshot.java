package io.peerwatt.cluster.market;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.trading.matching.BookStateCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A zone's books as of one point of its command partition: every command before {@code nextOffset}
 * is in them, none after. Value bytes: {@code u8 version = 1, i64 nextOffset, i32 bookCount}, then
 * per book its {@link BookStateCodec} bytes as var-bytes.
 *
 * @param nextOffset the offset of the first command of the partition not yet applied
 * @param books the {@link BookStateCodec} state of each of the zone's books
 */
public record ZoneSnapshot(long nextOffset, List<byte[]> books) {
  private static final int VERSION = 1;

  public ZoneSnapshot {
    books = List.copyOf(books);
  }

  /** The record value. */
  public byte[] toBytes() {
    ByteWriter w = new ByteWriter(64);
    w.writeByte(VERSION).writeInt64BE(nextOffset).writeInt32BE(books.size());
    for (byte[] book : books) {
      w.writeVarBytes(book);
    }
    return w.toByteArray();
  }

  /** The snapshot in a record value. @throws FormatException if the bytes are not one */
  public static ZoneSnapshot fromBytes(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != VERSION) {
      throw new FormatException("unknown zone snapshot version " + version);
    }
    long nextOffset = r.readInt64BE("next offset");
    int count = r.readInt32BE("book count");
    List<byte[]> books = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      books.add(r.readVarBytes("book state"));
    }
    r.expectEnd("zone snapshot");
    return new ZoneSnapshot(nextOffset, books);
  }
}
