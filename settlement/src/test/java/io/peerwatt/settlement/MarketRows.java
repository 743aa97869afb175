package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.TRADE;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jooq.DSLContext;

/**
 * The rows a market leaves for settlement, written straight into the tables as trading-core writes
 * them: a zone, prosumers, their devices, filled orders, a trade and readings. Orders and trades
 * are of 800 Wh at 21 ct/kWh with a 5 ct/kWh grid fee.
 */
public final class MarketRows {
  private MarketRows() {}

  /** A call-auction zone in EUR, Berlin time, 40 ct/kWh imbalance. */
  public static void zone(DSLContext db, String code, String name) {
    db.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, name).execute();
    db.insertInto(MARKET_ZONE)
        .set(MARKET_ZONE.ZONE_CODE, code)
        .set(MARKET_ZONE.CURRENCY, "EUR")
        .set(MARKET_ZONE.PRICE_UNIT, "MILLI_CT_PER_KWH")
        .set(MARKET_ZONE.CLEARING_MODE, "CALL_AUCTION")
        .set(MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS, 900)
        .set(MARKET_ZONE.GRID_FEE_PER_KWH, 5_000L)
        .set(MARKET_ZONE.IMBALANCE_PRICE_PER_KWH, 40_000L)
        .set(MARKET_ZONE.NEGATIVE_PRICES_ALLOWED, false)
        .set(MARKET_ZONE.LOCAL_TIME_ZONE, "Europe/Berlin")
        .set(MARKET_ZONE.MIN_QUANTITY_WH, 1L)
        .set(MARKET_ZONE.MAX_QUANTITY_WH, 1_000_000L)
        .set(MARKET_ZONE.MIN_PRICE_PER_KWH, 0L)
        .set(MARKET_ZONE.MAX_PRICE_PER_KWH, 1_000_000L)
        .execute();
  }

  public static long account(DSLContext db, String zone, String name) {
    return db.insertInto(ACCOUNT)
        .set(ACCOUNT.USERNAME, name)
        .set(ACCOUNT.ROLE, "prosumer")
        .set(ACCOUNT.PASSWORD_HASH, "x")
        .set(ACCOUNT.ZONE_CODE, zone)
        .returning(ACCOUNT.ID)
        .fetchOne()
        .getId();
  }

  /**
   * A device of a new metering point of {@code account}, enrolled a day before {@code slot}; key
   * byte {@code keyByte}.
   */
  public static long device(
      DSLContext db, long account, String zone, DeliverySlot slot, int keyByte) {
    long point =
        db.insertInto(METERING_POINT)
            .set(METERING_POINT.ACCOUNT_ID, account)
            .set(METERING_POINT.ZONE_CODE, zone)
            .set(METERING_POINT.LABEL, "home")
            .set(METERING_POINT.MAX_POWER_W, 30_000L)
            .returning(METERING_POINT.ID)
            .fetchOne()
            .getId();
    byte[] key = new byte[33];
    key[0] = 2;
    key[32] = (byte) keyByte;
    return db.insertInto(DEVICE)
        .set(DEVICE.PUBLIC_KEY, key)
        .set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, slot.start().minus(Duration.ofDays(1)))
        .returning(DEVICE.ID)
        .fetchOne()
        .getId();
  }

  /** A filled LIMIT order of {@code account} for {@code slot}. */
  public static long order(
      DSLContext db, long account, String zone, DeliverySlot slot, String side) {
    long id = db.nextval("market_order_id_seq").longValueExact();
    Instant at = slot.start().minusSeconds(3600);
    db.insertInto(MARKET_ORDER)
        .set(MARKET_ORDER.ID, id)
        .set(MARKET_ORDER.ACCOUNT_ID, account)
        .set(MARKET_ORDER.ZONE_CODE, zone)
        .set(MARKET_ORDER.SLOT_START, slot.start())
        .set(MARKET_ORDER.SIDE, side)
        .set(MARKET_ORDER.ORDER_TYPE, "LIMIT")
        .set(MARKET_ORDER.QUANTITY_WH, 800L)
        .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, 21_000L)
        .set(MARKET_ORDER.OPEN_WH, 0L)
        .set(MARKET_ORDER.FILLED_WH, 800L)
        .set(MARKET_ORDER.STATE, "FILLED")
        .set(MARKET_ORDER.GREEN, false)
        .set(MARKET_ORDER.PREFERRED_PARTNERS, new Long[0])
        .set(MARKET_ORDER.CREATED_AT, at)
        .set(MARKET_ORDER.UPDATED_AT, at)
        .execute();
    return id;
  }

  /** The trade of {@code seller}'s and {@code buyer}'s filled orders for {@code slot}; its id. */
  public static long trade(DSLContext db, String zone, DeliverySlot slot, long seller, long buyer) {
    long sellOrder = order(db, seller, zone, slot, "SELL");
    long buyOrder = order(db, buyer, zone, slot, "BUY");
    return db.insertInto(TRADE)
        .set(TRADE.ZONE_CODE, zone)
        .set(TRADE.SLOT_START, slot.start())
        .set(TRADE.BUY_ORDER_ID, buyOrder)
        .set(TRADE.BUYER_ACCOUNT_ID, buyer)
        .set(TRADE.SELL_ORDER_ID, sellOrder)
        .set(TRADE.SELLER_ACCOUNT_ID, seller)
        .set(TRADE.QUANTITY_WH, 800L)
        .set(TRADE.PRICE_PER_KWH, 21_000L)
        .set(TRADE.GRID_FEE_PER_KWH, 5_000L)
        .set(TRADE.PRICE_UNIT, "MILLI_CT_PER_KWH")
        .set(TRADE.CURRENCY, "EUR")
        .set(TRADE.TIER, "OPEN")
        .set(TRADE.COMMAND_SEQUENCE, 1L)
        .set(TRADE.FILL_INDEX, 0)
        .set(TRADE.TRADED_AT, slot.start().minusSeconds(900))
        .returning(TRADE.ID)
        .fetchOne()
        .getId();
  }

  /**
   * A reading row as ingestion stores it; the encoded bytes are placeholders that start with the
   * reading's hash (readings are not proven against their signature here).
   */
  public static void reading(
      DSLContext db, long device, long sequence, Instant at, long importWh, long exportWh) {
    byte[] hash = Hashes.sha256((device + "/" + sequence).getBytes(StandardCharsets.UTF_8));
    byte[] encoded = new byte[110];
    System.arraycopy(hash, 0, encoded, 0, 32);
    db.insertInto(READING)
        .set(READING.DEVICE_ID, device)
        .set(READING.SEQUENCE, sequence)
        .set(READING.METER_CHANNEL, 0)
        .set(READING.TAKEN_AT, at)
        .set(READING.IMPORT_WH, importWh)
        .set(READING.EXPORT_WH, exportWh)
        .set(READING.POWER_W, 0L)
        .set(READING.QUALITY_FLAGS, 0)
        .set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, hash)
        .set(READING.SIGNATURE, new byte[70])
        .set(READING.ENCODED, encoded)
        .execute();
  }
}
