package io.peerwatt.cluster.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.trading.matching.CommandCodec;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of the zone command topic: the book a command goes to and the command. Value bytes:
 * {@code u8 version = 1, u8 zoneCodeLength, zoneCode (UTF-8), i64 slotStartEpochSecond}, then the
 * {@link CommandCodec} bytes of the command (cancel, amend and gate closure do not name their book
 * themselves).
 */
public record ZoneCommand(Instrument instrument, OrderCommand command) {
  private static final int VERSION = 1;

  public ZoneCommand {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(command, "command");
  }

  /** The record value. */
  public byte[] toBytes() {
    byte[] zone = instrument.zoneCode().getBytes(StandardCharsets.UTF_8);
    return new ByteWriter(128)
        .writeByte(VERSION)
        .writeByte(zone.length)
        .write(zone)
        .writeInt64BE(instrument.slot().start().getEpochSecond())
        .write(CommandCodec.encode(command))
        .toByteArray();
  }

  /** The command in a record value. @throws FormatException if the bytes are not one */
  public static ZoneCommand fromBytes(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != VERSION) {
      throw new FormatException("unknown zone command version " + version);
    }
    String zone =
        new String(
            r.readBytes(r.readByte("zone code length"), "zone code"), StandardCharsets.UTF_8);
    DeliverySlot slot = DeliverySlot.startingAt(Instant.ofEpochSecond(r.readInt64BE("slot start")));
    OrderCommand command = CommandCodec.decode(r.readBytes(r.remaining(), "command"));
    return new ZoneCommand(new Instrument(zone, slot), command);
  }
}
