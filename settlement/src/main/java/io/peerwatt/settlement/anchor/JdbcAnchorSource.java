package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_SLOT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.db.schema.tables.records.TradeRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.statement.ReadingRef;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.flex.FlexDeliveries;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@link AnchorSource} over the database. A slot of a zone is closed once its readings' grace
 * window ended: a traded slot (or one a flexibility acceptance covers) once settlement settled it
 * (which waits the grace window, so its statements go into its first anchor), a slot nobody traded
 * in once the grace window passed, so every reading becomes provable whether or not its slot
 * traded. Its items are the readings its zone's devices took in it, its trades, every version of
 * its statements, the consents made in it and the delivery records of the flexibility acceptances
 * covering it that are ready ({@link FlexibilityItems}).
 *
 * <p>The first call looks back {@code lookback} (a restart catches up); later calls look only at
 * what can have changed: slots settled or re-settled, or whose grace ended, within the last hour of
 * the clock, and slots that received late readings in the last ten minutes of the database's clock.
 * Issued certificates are the devices' ({@code device.certificate}, written by trading-core's
 * enrolment) not yet in an anchor, with no look-back: every certificate the platform ever issued is
 * anchored once.
 */
public final class JdbcAnchorSource implements AnchorSource {
  /** Delivery slots are quarter hours (trading-core DeliverySlot). */
  private static final Duration SLOT_LENGTH = Duration.ofMinutes(15);

  /**
   * After the first call: slots settled, or whose grace ended, this long before now are looked at
   * again.
   */
  private static final Duration RECENT = Duration.ofHours(1);

  /**
   * After the first call: readings received this long ago (database time) are looked at for late
   * arrivals.
   */
  private static final Duration LATE_RECEIPTS = Duration.ofMinutes(10);

  private final DSLContext db;
  private final Duration lookback;
  private final Duration grace;
  private final FlexDeliveries flexibility;
  private volatile boolean caughtUp;

  /**
   * Delivered flexibility measured as the platform's settlement measures it ({@link
   * FlexDeliveries#platform}).
   *
   * @param lookback how far back the first call looks
   * @param grace how long after a slot ends its readings may still arrive (settlement's grace
   *     window)
   */
  public JdbcAnchorSource(DSLContext db, Duration lookback, Duration grace) {
    this.db = db;
    this.lookback = lookback;
    this.grace = grace;
    this.flexibility = FlexDeliveries.platform(db);
  }

  /** The interval text of a slot start, e.g. {@code 2026-11-25T10:00Z/PT15M}. */
  public static String interval(Instant slotStart) {
    return slotStart.atOffset(ZoneOffset.UTC).toLocalDateTime().toString() + "Z/PT15M";
  }

  @Override
  public List<Slot> closedSlots(Instant now) {
    Duration window = caughtUp ? RECENT : lookback;
    // a slot is due when its end plus the grace window has passed: its start is at or before
    // dueStart; readings count up to the end of the last due slot, never into the slot after it
    Instant dueStart = now.minus(grace).minus(SLOT_LENGTH);
    Instant dueReadingsEnd =
        Instant.ofEpochSecond(
                Math.floorDiv(dueStart.getEpochSecond(), SLOT_LENGTH.toSeconds())
                    * SLOT_LENGTH.toSeconds())
            .plus(SLOT_LENGTH);
    TreeSet<String> slots = new TreeSet<>();
    db.select(SETTLEMENT_SLOT.ZONE_CODE, SETTLEMENT_SLOT.SLOT_START)
        .from(SETTLEMENT_SLOT)
        .where(SETTLEMENT_SLOT.SLOT_START.ge(now.minus(lookback)))
        .and(SETTLEMENT_SLOT.LAST_SETTLED_AT.ge(now.minus(window)))
        .and(SETTLEMENT_SLOT.FIRST_SETTLED_AT.le(now))
        .forEach(r -> slots.add(key(r.value1(), r.value2())));
    Field<Instant> bucket =
        DSL.field(
            "to_timestamp(floor(extract(epoch from {0}) / 900) * 900)",
            SQLDataType.INSTANT, READING.TAKEN_AT);
    Condition received =
        caughtUp
            ? READING.RECEIVED_AT.ge(
                DSL.field(
                    "now() - make_interval(secs => {0})",
                    SQLDataType.INSTANT, DSL.inline(LATE_RECEIPTS.toSeconds())))
            : DSL.trueCondition();
    Instant from = caughtUp ? dueStart.minus(window) : now.minus(lookback);
    readingSlots(slots, bucket, READING.TAKEN_AT.ge(from), READING.TAKEN_AT.lt(dueReadingsEnd));
    if (caughtUp) {
      readingSlots(
          slots,
          bucket,
          received,
          READING.TAKEN_AT.ge(now.minus(lookback)),
          READING.TAKEN_AT.lt(dueReadingsEnd));
    }
    caughtUp = true;
    List<Slot> closed = new ArrayList<>();
    for (String k : slots) {
      String zone = k.substring(k.indexOf(' ') + 1);
      Instant start = Instant.parse(k.substring(0, k.indexOf(' ')));
      // a traded slot (or one with flexibility accepted) waits for its settlement, so its
      // statements are in its first anchor
      boolean traded =
          db.fetchExists(TRADE, TRADE.ZONE_CODE.eq(zone).and(TRADE.SLOT_START.eq(start)))
              || !flexibility
                  .acceptancesCovering(new SlotKey(zone, new DeliverySlot(start)))
                  .isEmpty();
      boolean settled =
          db.fetchExists(
              SETTLEMENT_SLOT,
              SETTLEMENT_SLOT
                  .ZONE_CODE
                  .eq(zone)
                  .and(SETTLEMENT_SLOT.SLOT_START.eq(start))
                  .and(SETTLEMENT_SLOT.FIRST_SETTLED_AT.le(now)));
      if (settled || !traded) {
        closed.add(new Slot(zone, interval(start)));
      }
    }
    return closed;
  }

  /** Adds the zones and slots ({@code bucket}) of the readings that meet {@code conditions}. */
  private void readingSlots(Set<String> slots, Field<Instant> bucket, Condition... conditions) {
    db.selectDistinct(METERING_POINT.ZONE_CODE, bucket)
        .from(READING)
        .join(DEVICE)
        .on(DEVICE.ID.eq(READING.DEVICE_ID))
        .join(METERING_POINT)
        .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(conditions)
        .forEach(r -> slots.add(key(r.value1(), r.value2())));
  }

  /** Orders slots by start, then zone. */
  private static String key(String zone, Instant start) {
    return start + " " + zone;
  }

  private static Instant start(Slot slot) {
    return OffsetDateTime.parse(slot.slotInterval().substring(0, slot.slotInterval().indexOf('/')))
        .toInstant();
  }

  /**
   * The readings taken in the slot, plus every reading the slot's statements used (those just
   * outside the slot that interpolation needed, so they are anchored even when their own slot never
   * settles), then the trades, then every statement version.
   */
  @Override
  public List<AnchorItem> items(Slot slot) {
    Instant start = start(slot);
    Instant end = start.plus(SLOT_LENGTH);
    List<AnchorItem> statements = new ArrayList<>();
    TreeMap<ReadingRef, String> referenced = new TreeMap<>();
    db.select(
            SETTLEMENT_STATEMENT.ACCOUNT_ID,
            SETTLEMENT_STATEMENT.VERSION,
            SETTLEMENT_STATEMENT.ENCODED)
        .from(SETTLEMENT_STATEMENT)
        .where(SETTLEMENT_STATEMENT.ZONE_CODE.eq(slot.zoneCode()))
        .and(SETTLEMENT_STATEMENT.SLOT_START.eq(start))
        .orderBy(SETTLEMENT_STATEMENT.ACCOUNT_ID, SETTLEMENT_STATEMENT.VERSION)
        .forEach(
            r -> {
              statements.add(
                  new AnchorItem(
                      AnchorItemKind.STATEMENT,
                      ItemRef.statement(
                          r.value1(), slot.zoneCode(), start.getEpochSecond(), r.value2()),
                      r.value3()));
              for (ReadingRef ref : StatementCodec.decode(r.value3()).readings()) {
                referenced.put(
                    ref, ItemRef.reading(ref.deviceId(), ref.meterChannel(), ref.sequence()));
              }
            });
    TreeMap<ReadingPosition, AnchorItem> readings = new TreeMap<>();
    db.select(READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE, READING.ENCODED)
        .from(READING)
        .join(DEVICE)
        .on(DEVICE.ID.eq(READING.DEVICE_ID))
        .join(METERING_POINT)
        .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(METERING_POINT.ZONE_CODE.eq(slot.zoneCode()))
        .and(READING.TAKEN_AT.ge(start))
        .and(READING.TAKEN_AT.lt(end))
        .forEach(
            r ->
                readings.put(
                    new ReadingPosition(r.value1(), r.value2(), r.value3()),
                    new AnchorItem(
                        AnchorItemKind.READING,
                        ItemRef.reading(r.value1(), r.value2(), r.value3()),
                        r.value4())));
    for (ReadingRef ref : referenced.keySet()) {
      ReadingPosition key = new ReadingPosition(ref.deviceId(), ref.meterChannel(), ref.sequence());
      if (!readings.containsKey(key)) {
        byte[] encoded =
            db.select(READING.ENCODED)
                .from(READING)
                .where(READING.DEVICE_ID.eq(ref.deviceId()))
                .and(READING.METER_CHANNEL.eq(ref.meterChannel()))
                .and(READING.SEQUENCE.eq(ref.sequence()))
                .fetchAny(READING.ENCODED);
        if (encoded != null) {
          readings.put(key, new AnchorItem(AnchorItemKind.READING, referenced.get(ref), encoded));
        }
      }
    }
    List<AnchorItem> items = new ArrayList<>(readings.values());
    db.selectFrom(TRADE)
        .where(TRADE.ZONE_CODE.eq(slot.zoneCode()))
        .and(TRADE.SLOT_START.eq(start))
        .orderBy(TRADE.ID)
        .forEach(
            t ->
                items.add(
                    new AnchorItem(AnchorItemKind.TRADE, ItemRef.trade(t.getId()), tradeBytes(t))));
    items.addAll(statements);
    items.addAll(ConsentItems.of(db, slot.zoneCode(), start, end));
    items.addAll(FlexibilityItems.of(db, flexibility, slot.zoneCode(), start));
    return items;
  }

  /**
   * Where a reading stands in a slot's items: ordered by device, channel, sequence (as numbers; a
   * record: formatting each key as text took most of the anchoring CPU of a 300-home demo).
   */
  private record ReadingPosition(long deviceId, int channel, long sequence)
      implements Comparable<ReadingPosition> {
    private static final Comparator<ReadingPosition> ORDER =
        Comparator.comparingLong(ReadingPosition::deviceId)
            .thenComparingInt(ReadingPosition::channel)
            .thenComparingLong(ReadingPosition::sequence);

    @Override
    public int compareTo(ReadingPosition other) {
      return ORDER.compare(this, other);
    }
  }

  static byte[] tradeBytes(TradeRecord t) {
    return TradeEncoding.encode(
        new TradeEncoding.Trade(
            t.getId(),
            t.getZoneCode(),
            t.getSlotStart(),
            t.getBuyOrderId(),
            t.getBuyerAccountId(),
            t.getSellOrderId(),
            t.getSellerAccountId(),
            t.getQuantityWh(),
            t.getPricePerKwh(),
            t.getGridFeePerKwh(),
            t.getPriceUnit(),
            t.getCurrency(),
            t.getTier(),
            t.getTradedAt()));
  }

  @Override
  public List<IssuedCertificate> certificatesIssuedBefore(Instant issuedBefore) {
    return db.select(DEVICE.ENROLLED_AT, DEVICE.CERTIFICATE_SERIAL, DEVICE.CERTIFICATE)
        .from(DEVICE)
        .where(DEVICE.CERTIFICATE_SERIAL.isNotNull())
        .and(DEVICE.ENROLLED_AT.lt(issuedBefore))
        .andNotExists(
            DSL.selectOne()
                .from(ANCHOR_LEAF)
                .where(ANCHOR_LEAF.ITEM_KIND.eq((short) AnchorItemKind.ENROLMENT.code()))
                .and(ANCHOR_LEAF.ITEM_REF.eq(DEVICE.CERTIFICATE_SERIAL.cast(String.class))))
        .orderBy(DEVICE.ENROLLED_AT, DEVICE.CERTIFICATE_SERIAL)
        .fetch(
            r ->
                new IssuedCertificate(
                    r.value1(),
                    new AnchorItem(
                        AnchorItemKind.ENROLMENT,
                        ItemRef.enrolment(r.value2()),
                        certificateBytes(r.value3()))));
  }

  /** The signed certificate's binary form, from the JSON form trading-core stores. */
  private static byte[] certificateBytes(String json) {
    return SignedDeviceCertificate.fromJson(Json.parseObject(json)).encode();
  }

  @Override
  public Optional<Evidence> evidence(AnchorItemKind kind, String ref) {
    String[] p = ref.split("/");
    try {
      switch (kind) {
        case READING -> {
          Record r =
              db.select(READING.ENCODED, READING.SIGNATURE, DEVICE.CERTIFICATE)
                  .from(READING)
                  .join(DEVICE)
                  .on(DEVICE.ID.eq(READING.DEVICE_ID))
                  .where(READING.DEVICE_ID.eq(Long.parseLong(p[0])))
                  .and(READING.METER_CHANNEL.eq(Integer.parseInt(p[1])))
                  .and(READING.SEQUENCE.eq(Long.parseLong(p[2])))
                  .fetchAny();
          if (r == null) {
            return Optional.empty();
          }
          String cert = r.get(DEVICE.CERTIFICATE);
          return Optional.of(
              new Evidence(
                  r.get(READING.ENCODED),
                  r.get(READING.SIGNATURE),
                  cert == null ? null : SignedDeviceCertificate.fromJson(Json.parseObject(cert))));
        }
        case TRADE -> {
          TradeRecord t = db.selectFrom(TRADE).where(TRADE.ID.eq(Long.parseLong(ref))).fetchOne();
          return t == null
              ? Optional.empty()
              : Optional.of(new Evidence(tradeBytes(t), null, null));
        }
        case STATEMENT -> {
          byte[] encoded =
              db.select(SETTLEMENT_STATEMENT.ENCODED)
                  .from(SETTLEMENT_STATEMENT)
                  .where(SETTLEMENT_STATEMENT.ACCOUNT_ID.eq(Long.parseLong(p[0])))
                  .and(SETTLEMENT_STATEMENT.ZONE_CODE.eq(p[1]))
                  .and(
                      SETTLEMENT_STATEMENT.SLOT_START.eq(
                          Instant.ofEpochSecond(Long.parseLong(p[2]))))
                  .and(SETTLEMENT_STATEMENT.VERSION.eq(Integer.parseInt(p[3])))
                  .fetchOne(SETTLEMENT_STATEMENT.ENCODED);
          return Optional.ofNullable(encoded).map(e -> new Evidence(e, null, null));
        }
        case ENROLMENT -> {
          String certificate =
              db.select(DEVICE.CERTIFICATE)
                  .from(DEVICE)
                  .where(DEVICE.CERTIFICATE_SERIAL.eq(Long.parseLong(ref)))
                  .fetchOne(DEVICE.CERTIFICATE);
          return Optional.ofNullable(certificate)
              .map(c -> new Evidence(certificateBytes(c), null, null));
        }
        case CONSENT -> {
          return ConsentItems.bytes(db, ref).map(b -> new Evidence(b, null, null));
        }
        case FLEXIBILITY -> {
          return FlexibilityItems.bytes(db, ref).map(b -> new Evidence(b, null, null));
        }
        default -> {
          return Optional.empty();
        }
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
