package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The whole state of one book as bytes (a snapshot), so a book can be rebuilt without replaying
 * every command it ever took: {@code decode(zone, encode(book))} has the same {@link
 * OrderBook#stateHash()} as {@code book} and answers every later command exactly as {@code book}
 * would. Version 1, big-endian:
 *
 * <pre>
 * u8 version = 1, u8 zoneCodeLength, zoneCode (UTF-8), i64 slotStartEpochSecond, u8 closed,
 * i64 tradeDigest, then for bids and for offers: i32 orderCount and, best price level first and
 * oldest first within a level, per order: i64 orderId, i64 accountId, u8 orderType code,
 * i64 limitPricePerKwh, i64 openWh, i64 filledWh, u8 green, i64 ruleId (0: none),
 * u8 partnerCount, partnerCount x i64 account id
 * </pre>
 */
public final class BookStateCodec {
  /** The only encoding version so far. */
  public static final int VERSION = 1;

  private BookStateCodec() {}

  /** The state of {@code book}. */
  public static byte[] encode(OrderBook book) {
    AbstractOrderBook b = (AbstractOrderBook) book;
    ByteWriter w = new ByteWriter(64 + 64 * b.openOrderCount());
    byte[] zone = b.instrument.zoneCode().getBytes(StandardCharsets.UTF_8);
    w.writeByte(VERSION).writeByte(zone.length).write(zone);
    w.writeInt64BE(b.instrument.slot().start().getEpochSecond());
    w.writeByte(b.closed ? 1 : 0).writeInt64BE(b.tradeDigest);
    for (BookSide side : List.of(b.bids, b.offers)) {
      List<Order> orders = new ArrayList<>();
      for (Level level : side.levels()) {
        for (Order o = level.head; o != null; o = o.next) {
          orders.add(o);
        }
      }
      w.writeInt32BE(orders.size());
      for (Order o : orders) {
        w.writeInt64BE(o.id).writeInt64BE(o.accountId).writeByte(o.type.code());
        w.writeInt64BE(o.price).writeInt64BE(o.openWh).writeInt64BE(o.filledWh);
        w.writeByte(o.green ? 1 : 0).writeInt64BE(o.ruleId).writeByte(o.partners.length);
        for (long partner : o.partners) {
          w.writeInt64BE(partner);
        }
      }
    }
    return w.toByteArray();
  }

  /**
   * The book {@code bytes} describe, trading under {@code zone}'s rules.
   *
   * @throws FormatException if the bytes are not a book state of {@code zone}
   */
  public static OrderBook decode(ZoneConfig zone, byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != VERSION) {
      throw new FormatException("unknown book state version " + version);
    }
    String zoneCode =
        new String(
            r.readBytes(r.readByte("zone code length"), "zone code"), StandardCharsets.UTF_8);
    if (!zoneCode.equals(zone.code())) {
      throw new FormatException("book state of zone " + zoneCode + ", not " + zone.code());
    }
    DeliverySlot slot = DeliverySlot.startingAt(Instant.ofEpochSecond(r.readInt64BE("slot start")));
    AbstractOrderBook book = (AbstractOrderBook) OrderBook.create(zone, slot);
    book.closed = r.readByte("closed") == 1;
    book.tradeDigest = r.readInt64BE("trade digest");
    for (Side side : List.of(Side.BUY, Side.SELL)) {
      int count = r.readInt32BE("order count");
      for (int i = 0; i < count; i++) {
        book.rest(readOrder(r, book.instrument, side));
      }
    }
    r.expectEnd("book state");
    return book;
  }

  private static Order readOrder(ByteReader r, Instrument instrument, Side side) {
    long id = r.readInt64BE("orderId");
    long accountId = r.readInt64BE("accountId");
    OrderType type = OrderType.ofCode(r.readByte("order type"));
    long price = r.readInt64BE("limitPricePerKwh");
    long openWh = r.readInt64BE("openWh");
    long filledWh = r.readInt64BE("filledWh");
    boolean green = r.readByte("green") == 1;
    long ruleId = r.readInt64BE("ruleId");
    int partnerCount = r.readByte("partner count");
    List<Long> partners = new ArrayList<>(partnerCount);
    for (int i = 0; i < partnerCount; i++) {
      partners.add(r.readInt64BE("partner account"));
    }
    Order o =
        new Order(
            new PlaceOrder(
                id,
                accountId,
                instrument,
                side,
                openWh,
                price,
                type,
                green,
                partners,
                ruleId == 0 ? OptionalLong.empty() : OptionalLong.of(ruleId)));
    o.filledWh = filledWh;
    return o;
  }
}
