package io.peerwatt.settlement.anchor;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The canonical bytes of a trade as anchored (kind 2): magic "PWTR", version 1, then big-endian:
 * trade id (int64), zone code (uint8 length + ASCII), slot start (int64 epoch seconds), buy order
 * id, buyer account id, sell order id, seller account id, quantity Wh, price per kWh, grid fee per
 * kWh (int64 each), price unit, currency, tier (uint8 length + ASCII each), traded at (int64 epoch
 * milliseconds).
 */
public final class TradeEncoding {
  private static final byte[] MAGIC = "PWTR".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION_1 = 1;

  private TradeEncoding() {}

  /** One trade row. */
  public record Trade(
      long id,
      String zoneCode,
      Instant slotStart,
      long buyOrderId,
      long buyerAccountId,
      long sellOrderId,
      long sellerAccountId,
      long quantityWh,
      long pricePerKwh,
      long gridFeePerKwh,
      String priceUnit,
      String currency,
      String tier,
      Instant tradedAt) {}

  public static byte[] encode(Trade t) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION_1);
      out.writeLong(t.id());
      text(out, t.zoneCode());
      out.writeLong(t.slotStart().getEpochSecond());
      out.writeLong(t.buyOrderId());
      out.writeLong(t.buyerAccountId());
      out.writeLong(t.sellOrderId());
      out.writeLong(t.sellerAccountId());
      out.writeLong(t.quantityWh());
      out.writeLong(t.pricePerKwh());
      out.writeLong(t.gridFeePerKwh());
      text(out, t.priceUnit());
      text(out, t.currency());
      text(out, t.tier());
      out.writeLong(t.tradedAt().toEpochMilli());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    if (b.length > 255) {
      throw new IllegalArgumentException("text field longer than 255 bytes");
    }
    out.writeByte(b.length);
    out.write(b);
  }
}
