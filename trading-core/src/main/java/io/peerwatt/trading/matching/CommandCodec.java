package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Canonical binary form of a command for the command log (version 1, big-endian). Every record
 * starts with {@code u8 version = 1, u8 command type code}, followed by:
 *
 * <pre>
 * PLACE_ORDER (1): i64 orderId, i64 accountId, u8 zoneCodeLength, zoneCode (UTF-8, 0..255 bytes),
 *                  i64 slotStartEpochSecond, u8 side code, i64 quantityWh, i64 limitPricePerKwh,
 *                  u8 orderType code, u8 flags (bit 0 green, bit 1 rule id present),
 *                  [i64 ruleId], u8 partnerCount (0..255), partnerCount x i64 account id
 * CANCEL_ORDER (2): i64 orderId, i64 accountId
 * AMEND_ORDER (3):  i64 orderId, i64 accountId, i64 quantityWh, i64 limitPricePerKwh
 * CLOSE_GATE (4):   nothing
 * </pre>
 *
 * Decoding is strict: unknown versions, codes or flags, and trailing bytes throw {@link
 * FormatException}. The log holds commands before the book has judged them, so the encoding carries
 * anything a command record can hold within those widths (a zone code the book will reject, 17
 * partners), and replay reaches the same rejection.
 */
public final class CommandCodec {
  /** The only encoding version so far. */
  public static final int VERSION = 1;

  private static final int FLAG_GREEN = 1;
  private static final int FLAG_RULE = 2;

  private CommandCodec() {}

  /** The canonical bytes of {@code command}. */
  public static byte[] encode(OrderCommand command) {
    ByteWriter w = new ByteWriter(96);
    w.writeByte(VERSION).writeByte(command.type().code());
    if (command instanceof PlaceOrder p) {
      byte[] zone = p.instrument().zoneCode().getBytes(StandardCharsets.UTF_8);
      if (zone.length > 255 || p.preferredPartners().size() > 255) {
        throw new IllegalArgumentException(
            "order " + p.orderId() + ": zone code or partner list too long to log");
      }
      w.writeInt64BE(p.orderId()).writeInt64BE(p.accountId());
      w.writeByte(zone.length).write(zone);
      w.writeInt64BE(p.instrument().slot().start().getEpochSecond());
      w.writeByte(p.side().code()).writeInt64BE(p.quantityWh()).writeInt64BE(p.limitPricePerKwh());
      w.writeByte(p.orderType().code());
      w.writeByte((p.green() ? FLAG_GREEN : 0) | (p.ruleId().isPresent() ? FLAG_RULE : 0));
      if (p.ruleId().isPresent()) {
        w.writeInt64BE(p.ruleId().getAsLong());
      }
      w.writeByte(p.preferredPartners().size());
      for (long partner : p.preferredPartners()) {
        w.writeInt64BE(partner);
      }
    } else if (command instanceof CancelOrder c) {
      w.writeInt64BE(c.orderId()).writeInt64BE(c.accountId());
    } else if (command instanceof AmendOrder a) {
      w.writeInt64BE(a.orderId()).writeInt64BE(a.accountId());
      w.writeInt64BE(a.quantityWh()).writeInt64BE(a.limitPricePerKwh());
    }
    return w.toByteArray();
  }

  /** The command encoded in {@code bytes}. @throws FormatException if they are not canonical */
  public static OrderCommand decode(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != VERSION) {
      throw new FormatException("unknown command encoding version " + version);
    }
    int typeCode = r.readByte("command type");
    OrderCommand command;
    try {
      command =
          switch (CommandType.ofCode(typeCode)) {
            case PLACE_ORDER -> readPlace(r);
            case CANCEL_ORDER ->
                new CancelOrder(r.readInt64BE("orderId"), r.readInt64BE("accountId"));
            case AMEND_ORDER ->
                new AmendOrder(
                    r.readInt64BE("orderId"), r.readInt64BE("accountId"),
                    r.readInt64BE("quantityWh"), r.readInt64BE("limitPricePerKwh"));
            case CLOSE_GATE -> new CloseGate();
          };
    } catch (IllegalArgumentException e) {
      throw new FormatException("invalid command: " + e.getMessage(), e);
    }
    r.expectEnd("command");
    return command;
  }

  private static PlaceOrder readPlace(ByteReader r) {
    long orderId = r.readInt64BE("orderId");
    long accountId = r.readInt64BE("accountId");
    byte[] zoneBytes = r.readBytes(r.readByte("zone code length"), "zone code");
    String zone = new String(zoneBytes, StandardCharsets.UTF_8);
    if (!Arrays.equals(zone.getBytes(StandardCharsets.UTF_8), zoneBytes)) {
      throw new FormatException("zone code is not canonical UTF-8");
    }
    DeliverySlot slot = DeliverySlot.startingAt(Instant.ofEpochSecond(r.readInt64BE("slot start")));
    Side side = Side.ofCode(r.readByte("side"));
    long quantityWh = r.readInt64BE("quantityWh");
    long price = r.readInt64BE("limitPricePerKwh");
    OrderType type = OrderType.ofCode(r.readByte("order type"));
    int flags = r.readByte("flags");
    if ((flags & ~(FLAG_GREEN | FLAG_RULE)) != 0) {
      throw new FormatException("unknown order flags " + flags);
    }
    OptionalLong ruleId =
        (flags & FLAG_RULE) != 0 ? OptionalLong.of(r.readInt64BE("ruleId")) : OptionalLong.empty();
    int partnerCount = r.readByte("partner count");
    List<Long> partners = new ArrayList<>(partnerCount);
    for (int i = 0; i < partnerCount; i++) {
      partners.add(r.readInt64BE("partner account"));
    }
    return new PlaceOrder(
        orderId,
        accountId,
        new Instrument(zone, slot),
        side,
        quantityWh,
        price,
        type,
        (flags & FLAG_GREEN) != 0,
        partners,
        ruleId);
  }
}
