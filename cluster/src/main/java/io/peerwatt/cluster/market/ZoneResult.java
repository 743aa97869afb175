package io.peerwatt.cluster.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.trading.matching.AuctionClearing;
import io.peerwatt.trading.matching.CancelReason;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCancelled;
import io.peerwatt.trading.matching.PreferenceTier;
import io.peerwatt.trading.matching.ResultCode;
import io.peerwatt.trading.matching.Trade;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a zone's owner answered to one command, on the results topic in the partition of the
 * command: the command's offset there identifies it, so a command has exactly one committed result
 * however often its zone changed owners. Value bytes ({@code u8 version = 1}, big-endian):
 *
 * <pre>
 * i64 commandOffset, u8 zoneCodeLength, zoneCode, i64 slotStartEpochSecond, i32 resultCode,
 * i64 bookStateHash, i32 tradeCount, per trade: i64 buyOrderId, i64 buyerAccountId,
 * i64 sellOrderId, i64 sellerAccountId, i64 quantityWh, i64 pricePerKwh, i64 gridFeePerKwh,
 * u8 tier code; i32 cancellationCount, per cancellation: i64 orderId, i64 accountId,
 * i64 cancelledWh, u8 reason code; u8 clearing present, [i64 volumeWh, i64 pricePerKwh,
 * var-bytes welfareMilliUnits (two's complement)]
 * </pre>
 *
 * @param commandOffset the command's offset in its partition of the command topic
 * @param instrument the book that took the command
 * @param result the book's answer
 * @param bookStateHash {@link io.peerwatt.trading.matching.OrderBook#stateHash()} right after the
 *     command
 */
public record ZoneResult(
    long commandOffset, Instrument instrument, CommandResult result, long bookStateHash) {
  private static final int VERSION = 1;

  public ZoneResult {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(result, "result");
  }

  /** The record value. */
  public byte[] toBytes() {
    byte[] zone = instrument.zoneCode().getBytes(StandardCharsets.UTF_8);
    ByteWriter w = new ByteWriter(64 + 64 * result.trades().size());
    w.writeByte(VERSION).writeInt64BE(commandOffset).writeByte(zone.length).write(zone);
    w.writeInt64BE(instrument.slot().start().getEpochSecond());
    w.writeInt32BE(result.code().code()).writeInt64BE(bookStateHash);
    w.writeInt32BE(result.trades().size());
    for (Trade t : result.trades()) {
      w.writeInt64BE(t.buyOrderId()).writeInt64BE(t.buyerAccountId());
      w.writeInt64BE(t.sellOrderId()).writeInt64BE(t.sellerAccountId());
      w.writeInt64BE(t.quantityWh()).writeInt64BE(t.pricePerKwh()).writeInt64BE(t.gridFeePerKwh());
      w.writeByte(t.tier().code());
    }
    w.writeInt32BE(result.cancellations().size());
    for (OrderCancelled c : result.cancellations()) {
      w.writeInt64BE(c.orderId()).writeInt64BE(c.accountId()).writeInt64BE(c.cancelledWh());
      w.writeByte(c.reason().code());
    }
    Optional<AuctionClearing> clearing = result.clearing();
    w.writeByte(clearing.isPresent() ? 1 : 0);
    if (clearing.isPresent()) {
      w.writeInt64BE(clearing.get().volumeWh()).writeInt64BE(clearing.get().pricePerKwh());
      w.writeVarBytes(clearing.get().welfareMilliUnits().toByteArray());
    }
    return w.toByteArray();
  }

  /** The result in a record value. @throws FormatException if the bytes are not one */
  public static ZoneResult fromBytes(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int version = r.readByte("version");
    if (version != VERSION) {
      throw new FormatException("unknown zone result version " + version);
    }
    long commandOffset = r.readInt64BE("command offset");
    String zone =
        new String(
            r.readBytes(r.readByte("zone code length"), "zone code"), StandardCharsets.UTF_8);
    DeliverySlot slot = DeliverySlot.startingAt(Instant.ofEpochSecond(r.readInt64BE("slot start")));
    ResultCode code;
    try {
      code = ResultCode.ofCode(r.readInt32BE("result code"));
    } catch (IllegalArgumentException e) {
      throw new FormatException(e.getMessage(), e);
    }
    long stateHash = r.readInt64BE("book state hash");
    int tradeCount = r.readInt32BE("trade count");
    List<Trade> trades = new ArrayList<>();
    for (int i = 0; i < tradeCount; i++) {
      trades.add(
          new Trade(
              r.readInt64BE("buyOrderId"),
              r.readInt64BE("buyerAccountId"),
              r.readInt64BE("sellOrderId"),
              r.readInt64BE("sellerAccountId"),
              r.readInt64BE("quantityWh"),
              r.readInt64BE("pricePerKwh"),
              r.readInt64BE("gridFeePerKwh"),
              tier(r.readByte("tier"))));
    }
    int cancellationCount = r.readInt32BE("cancellation count");
    List<OrderCancelled> cancellations = new ArrayList<>();
    for (int i = 0; i < cancellationCount; i++) {
      cancellations.add(
          new OrderCancelled(
              r.readInt64BE("orderId"),
              r.readInt64BE("accountId"),
              r.readInt64BE("cancelledWh"),
              reason(r.readByte("cancel reason"))));
    }
    Optional<AuctionClearing> clearing = Optional.empty();
    if (r.readByte("clearing present") == 1) {
      clearing =
          Optional.of(
              new AuctionClearing(
                  r.readInt64BE("volumeWh"),
                  r.readInt64BE("pricePerKwh"),
                  new BigInteger(r.readVarBytes("welfare"))));
    }
    r.expectEnd("zone result");
    return new ZoneResult(
        commandOffset,
        new Instrument(zone, slot),
        new CommandResult(code, trades, cancellations, clearing),
        stateHash);
  }

  private static PreferenceTier tier(int code) {
    for (PreferenceTier tier : PreferenceTier.values()) {
      if (tier.code() == code) {
        return tier;
      }
    }
    throw new FormatException("unknown preference tier " + code);
  }

  private static CancelReason reason(int code) {
    for (CancelReason reason : CancelReason.values()) {
      if (reason.code() == code) {
        return reason;
      }
    }
    throw new FormatException("unknown cancel reason " + code);
  }
}
