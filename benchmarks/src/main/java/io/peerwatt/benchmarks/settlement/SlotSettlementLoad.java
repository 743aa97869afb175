package io.peerwatt.benchmarks.settlement;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;
import static io.peerwatt.db.schema.Tables.TRADE;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.runtime.SettlementPass;
import io.peerwatt.settlement.wallet.KeyVault;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jooq.DSLContext;

/**
 * Load driver: the settlement of one slot with many paying prosumers, end to end, as the platform's
 * pass does it: statements computed from the trades and readings and written, one payment per
 * prosumer made over its payment channel (the hub paying sellers, the custodial store paying the
 * hub for buyers: signed, checked and saved on both sides, durably) and recorded, then anchoring.
 * Embedded PostgreSQL with fsync and synchronous_commit on, the in-memory devnet.
 *
 * <p>Half the prosumers sell 800 Wh to the other half, one trade per pair, in each of two slots.
 * The first slot opens every prosumer's channel (timed apart: a prosumer's first payment); the
 * second is the steady state the figure is about: every channel open, one pass settles and pays.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.settlement.SlotSettlementLoad [prosumers]} (default 1000).
 */
public final class SlotSettlementLoad {
  private static final String ZONE_CODE = "BENCH-1";
  private static final DeliverySlot FIRST = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  private static final DeliverySlot SECOND = DeliverySlot.parse("2026-11-25T10:15Z/PT15M");

  /** The statements' EUR rate: a buyer's slot (800 Wh bought, 200 Wh imbalance) is 57,600 sat. */
  private static final long SAT_PER_EUR = 200_000;

  /** Capacity of each channel: many slots' payments. */
  private static final long CAPACITY_SATS = 1_000_000;

  private SlotSettlementLoad() {}

  /** A clock the driver moves. */
  private static final class SetClock extends Clock {
    volatile Instant now;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  public static void main(String[] args) throws Exception {
    int prosumers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int pairs = prosumers / 2;
    Path dataDir = Files.createTempDirectory("peerwatt-settlement-load-");
    SetClock clock = new SetClock();
    clock.now = FIRST.start().minusSeconds(3600);
    try (Database db = Database.start(new DatabaseConfig(null, null, null, dataDir, 16))) {
      long t0 = System.nanoTime();
      market(db.dsl(), pairs);
      System.out.printf(
          "market: %d prosumers, %d trades per slot, written in %.1f s%n",
          2 * pairs, pairs, (System.nanoTime() - t0) / 1e9);
      SecureRandom random = new SecureRandom();
      KeyVault vault =
          KeyVault.open(dataDir.resolve("vault.bin"), dataDir.resolve("vault.secret"), random);
      DevnetBackend devnet = DevnetBackend.inMemory(clock, DevnetBackend.DEFAULT_POLICY);
      try (Settlement settlement =
          new Settlement(
              db.dsl(),
              devnet,
              vault,
              PrivateKey.generate(random),
              clock,
              SAT_PER_EUR,
              CAPACITY_SATS)) {
        SettlementPass pass = new SettlementPass(settlement, clock);
        pass.prepareDevnet();

        // the first slot: settled, then every prosumer's channel opened and the payments made
        clock.now = FIRST.end().plus(Duration.ofMinutes(5)).plusSeconds(1);
        pass.run();
        long t1 = System.nanoTime();
        pass.run();
        double openSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf(
            "first slot: channels opened and first payments made in %.1f s (%d of %d payments paid)%n",
            openSeconds, paid(db.dsl(), FIRST), payments(db.dsl(), FIRST));
        pass.mineNow();

        // the second slot, the figure: one pass settles, pays and anchors it
        clock.now = SECOND.end().plus(Duration.ofMinutes(5)).plusSeconds(1);
        String loadBefore = loadAverage();
        long cpu0 = processCpuNanos();
        long t2 = System.nanoTime();
        pass.run();
        double seconds = (System.nanoTime() - t2) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        int statements =
            db.dsl()
                .fetchCount(
                    SETTLEMENT_STATEMENT, SETTLEMENT_STATEMENT.SLOT_START.eq(SECOND.start()));
        System.out.printf(
            "second slot: %d statements, %d of %d payments paid, in one pass of %.2f s (this JVM's CPU %.1f s); %.0f payments/s%n",
            statements,
            paid(db.dsl(), SECOND),
            payments(db.dsl(), SECOND),
            seconds,
            cpu,
            paid(db.dsl(), SECOND) / seconds);
        System.out.printf("load average before: %s; after: %s%n", loadBefore, loadAverage());
      }
    }
  }

  private static int payments(DSLContext dsl, DeliverySlot slot) {
    return dsl.fetchCount(SETTLEMENT_PAYMENT, SETTLEMENT_PAYMENT.SLOT_START.eq(slot.start()));
  }

  private static int paid(DSLContext dsl, DeliverySlot slot) {
    return dsl.fetchCount(
        SETTLEMENT_PAYMENT,
        SETTLEMENT_PAYMENT.SLOT_START.eq(slot.start()).and(SETTLEMENT_PAYMENT.STATUS.eq("paid")));
  }

  /**
   * A zone, {@code 2 * pairs} prosumers each with a metered device, and in each slot a trade of 800
   * Wh at 21 ct/kWh from each seller to its buyer, with readings that bracket both slots.
   */
  private static void market(DSLContext db, int pairs) {
    db.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          tx.insertInto(ZONE).set(ZONE.CODE, ZONE_CODE).set(ZONE.NAME, "Bench").execute();
          tx.insertInto(MARKET_ZONE)
              .set(MARKET_ZONE.ZONE_CODE, ZONE_CODE)
              .set(MARKET_ZONE.CURRENCY, "EUR")
              .set(MARKET_ZONE.PRICE_UNIT, "MILLI_CT_PER_KWH")
              .set(MARKET_ZONE.CLEARING_MODE, "CALL_AUCTION")
              .set(MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS, 900)
              .set(MARKET_ZONE.GRID_FEE_PER_KWH, 5_000L)
              .set(MARKET_ZONE.IMBALANCE_PRICE_PER_KWH, 40_000L)
              .set(MARKET_ZONE.NEGATIVE_PRICES_ALLOWED, false)
              .set(MARKET_ZONE.LOCAL_TIME_ZONE, "UTC")
              .set(MARKET_ZONE.MIN_QUANTITY_WH, 1L)
              .set(MARKET_ZONE.MAX_QUANTITY_WH, 1_000_000L)
              .set(MARKET_ZONE.MIN_PRICE_PER_KWH, 0L)
              .set(MARKET_ZONE.MAX_PRICE_PER_KWH, 1_000_000L)
              .execute();
          for (int i = 0; i < pairs; i++) {
            long seller = prosumer(tx, "seller-" + i, 2 * i);
            long buyer = prosumer(tx, "buyer-" + i, 2 * i + 1);
            long sellerDevice = device(tx, seller, 2 * i);
            long buyerDevice = device(tx, buyer, 2 * i + 1);
            // sellers export 1 kWh per slot, buyers import 1 kWh per slot
            reading(tx, sellerDevice, 1, FIRST.start(), 0, 10_000);
            reading(tx, sellerDevice, 2, FIRST.end(), 0, 11_000);
            reading(tx, sellerDevice, 3, SECOND.end(), 0, 12_000);
            reading(tx, buyerDevice, 1, FIRST.start(), 20_000, 0);
            reading(tx, buyerDevice, 2, FIRST.end(), 21_000, 0);
            reading(tx, buyerDevice, 3, SECOND.end(), 22_000, 0);
            for (DeliverySlot slot : new DeliverySlot[] {FIRST, SECOND}) {
              trade(tx, slot, seller, buyer, i + 1);
            }
          }
        });
  }

  private static long prosumer(DSLContext db, String name, int n) {
    return db.insertInto(ACCOUNT)
        .set(ACCOUNT.USERNAME, name)
        .set(ACCOUNT.ROLE, "prosumer")
        .set(ACCOUNT.PASSWORD_HASH, "not-a-login-" + n)
        .set(ACCOUNT.ZONE_CODE, ZONE_CODE)
        .returning(ACCOUNT.ID)
        .fetchOne()
        .getId();
  }

  private static long device(DSLContext db, long account, int n) {
    long point =
        db.insertInto(METERING_POINT)
            .set(METERING_POINT.ACCOUNT_ID, account)
            .set(METERING_POINT.ZONE_CODE, ZONE_CODE)
            .set(METERING_POINT.LABEL, "home " + n)
            .set(METERING_POINT.MAX_POWER_W, 30_000L)
            .returning(METERING_POINT.ID)
            .fetchOne()
            .getId();
    byte[] key = new byte[33];
    key[0] = 2;
    key[29] = (byte) (n >> 16);
    key[30] = (byte) (n >> 8);
    key[31] = (byte) n;
    key[32] = 1;
    return db.insertInto(DEVICE)
        .set(DEVICE.PUBLIC_KEY, key)
        .set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, FIRST.start().minus(Duration.ofDays(1)))
        .returning(DEVICE.ID)
        .fetchOne()
        .getId();
  }

  private static long order(DSLContext db, long account, DeliverySlot slot, String side) {
    long id = db.nextval("market_order_id_seq").longValueExact();
    Instant at = slot.start().minusSeconds(3600);
    db.insertInto(MARKET_ORDER)
        .set(MARKET_ORDER.ID, id)
        .set(MARKET_ORDER.ACCOUNT_ID, account)
        .set(MARKET_ORDER.ZONE_CODE, ZONE_CODE)
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

  private static void trade(
      DSLContext db, DeliverySlot slot, long seller, long buyer, long commandSequence) {
    long sellOrder = order(db, seller, slot, "SELL");
    long buyOrder = order(db, buyer, slot, "BUY");
    db.insertInto(TRADE)
        .set(TRADE.ZONE_CODE, ZONE_CODE)
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
        .set(TRADE.COMMAND_SEQUENCE, commandSequence)
        .set(TRADE.FILL_INDEX, 0)
        .set(TRADE.TRADED_AT, slot.start().minusSeconds(900))
        .execute();
  }

  /** A reading row as ingestion stores it (placeholder signature: not proven here). */
  private static void reading(
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

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() throws Exception {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
