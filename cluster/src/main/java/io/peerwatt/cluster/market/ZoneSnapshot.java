package io.peerwatt.cluster.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.trading.matching.BookStateCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A zone's books as of one point of its command partition: every command before {@code nextOffset}
 * is in them, none after. Value bytes ({@code u8 version = 2}): {@code i64 nextOffset, i32
 * bookCount}, per open book its {@link BookStateCodec} bytes as var-bytes, {@code i32 closedCount},
 * per closed book {@code i64 slotStartEpochSecond, i64 stateHash}, then {@code i64
 * forgottenBeforeEpochSecond}. Version 1 (open and closed books all as book states, nothing after
 * them) is still read.
 *
 * @param nextOffset the offset of the first command of the partition not yet applied
 * @param books the {@link BookStateCodec} state of each of the zone's open books
 * @param closed the zone's closed books that are still remembered: slot and final state hash
 * @param forgottenBefore slots starting before this are closed books no longer remembered
 */
public record ZoneSnapshot(
    long nextOffset, List<byte[]> books, List<ClosedBook> closed, Instant forgottenBefore) {
  private static final int VERSION = 2;

  /** A book whose gate closed: only what its answers still need. */
  public record ClosedBook(DeliverySlot slot, long stateHash) {
    public ClosedBook {
      Objects.requireNonNull(slot, "slot");
    }
  }

  public ZoneSnapshot {
    books = List.copyOf(books);
    closed = List.copyOf(closed);
    Objects.requireNonNull(forgottenBefore, "forgottenBefore");
  }

  /** The record value. */
  public byte[] toBytes() {
    ByteWriter w = new ByteWriter(64);
    w.writeByte(VERSION).writeInt64BE(nextOffset).writeInt32BE(books.size());
    for (byte[] book : books) {
      w.writeVarBytes(book);
    }
    w.writeInt32BE(closed.size());
    for (ClosedBook c : closed) {
      w.writeInt64BE(c.slot().start().getEpochSecond()).writeInt64BE(c.stateHash());
    }
    return w.writeInt64BE(forgottenBefore.getEpochSecond()).toByteArray();
  }

  /** The snapshot in a record value. @throws FormatException if the bytes are not one */
  public static ZoneSnapshot fromBytes(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != 1 && version != VERSION) {
      throw new FormatException("unknown zone snapshot version " + version);
    }
    long nextOffset = r.readInt64BE("next offset");
    int count = r.readInt32BE("book count");
    List<byte[]> books = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      books.add(r.readVarBytes("book state"));
    }
    List<ClosedBook> closed = new ArrayList<>();
    Instant forgottenBefore = Instant.EPOCH;
    if (version == VERSION) {
      int closedCount = r.readInt32BE("closed book count");
      for (int i = 0; i < closedCount; i++) {
        Instant start = Instant.ofEpochSecond(r.readInt64BE("closed slot start"));
        closed.add(new ClosedBook(DeliverySlot.startingAt(start), r.readInt64BE("state hash")));
      }
      forgottenBefore = Instant.ofEpochSecond(r.readInt64BE("forgotten before"));
    }
    r.expectEnd("zone snapshot");
    return new ZoneSnapshot(nextOffset, books, closed, forgottenBefore);
  }
}
