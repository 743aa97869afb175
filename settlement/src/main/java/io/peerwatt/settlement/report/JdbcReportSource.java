package io.peerwatt.settlement.report;

import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;

import io.peerwatt.db.RestartGaps;
import io.peerwatt.db.schema.tables.records.FlexAcceptanceRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestRecord;
import io.peerwatt.db.schema.tables.records.FlexRequestSlotRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;

/** Reads what a {@link UtilityReport} needs from the database and builds it. */
public final class JdbcReportSource {
  private static final Duration SLOT_LENGTH = Duration.ofMinutes(15);

  /** Wh in a quarter-hour times this is its mean power in W. */
  private static final long SLOTS_PER_HOUR = 4;

  private final DSLContext db;
  private final JdbcUsageSource usage;

  public JdbcReportSource(DSLContext db) {
    this.db = db;
    this.usage = new JdbcUsageSource(db, SettlementPolicy.defaults().estimateThreshold());
  }

  /**
   * The report of {@code zoneCode} for slots starting in [from, to).
   *
   * @param tariffMilliCtPerKwh the residual import tariff (0: no bill amounts)
   */
  public UtilityReport report(String zoneCode, Instant from, Instant to, long tariffMilliCtPerKwh) {
    String currency =
        db.select(MARKET_ZONE.CURRENCY)
            .from(MARKET_ZONE)
            .where(MARKET_ZONE.ZONE_CODE.eq(zoneCode))
            .fetchOptional(MARKET_ZONE.CURRENCY)
            .orElse("");
    // newest version per account and slot
    Map<ReportBuilder.AccountSlot, Statement> newest = new LinkedHashMap<>();
    for (Record r :
        db.select(SETTLEMENT_STATEMENT.ENCODED)
            .from(SETTLEMENT_STATEMENT)
            .where(SETTLEMENT_STATEMENT.ZONE_CODE.eq(zoneCode))
            .and(SETTLEMENT_STATEMENT.SLOT_START.ge(from))
            .and(SETTLEMENT_STATEMENT.SLOT_START.lt(to))
            .orderBy(
                SETTLEMENT_STATEMENT.SLOT_START,
                SETTLEMENT_STATEMENT.ACCOUNT_ID,
                SETTLEMENT_STATEMENT.VERSION)
            .fetch()) {
      Statement s = StatementCodec.decode(r.get(SETTLEMENT_STATEMENT.ENCODED));
      newest.put(new ReportBuilder.AccountSlot(s.accountId(), s.slot().start()), s);
    }
    Map<ReportBuilder.AccountSlot, ReportBuilder.Payments> payments = new HashMap<>();
    for (Record r :
        db.select(
                SETTLEMENT_PAYMENT.ACCOUNT_ID,
                SETTLEMENT_PAYMENT.SLOT_START,
                SETTLEMENT_PAYMENT.STATUS,
                SETTLEMENT_PAYMENT.AMOUNT_SAT)
            .from(SETTLEMENT_PAYMENT)
            .where(SETTLEMENT_PAYMENT.ZONE_CODE.eq(zoneCode))
            .and(SETTLEMENT_PAYMENT.SLOT_START.ge(from))
            .and(SETTLEMENT_PAYMENT.SLOT_START.lt(to))
            .fetch()) {
      var key =
          new ReportBuilder.AccountSlot(
              r.get(SETTLEMENT_PAYMENT.ACCOUNT_ID), r.get(SETTLEMENT_PAYMENT.SLOT_START));
      long sat = r.get(SETTLEMENT_PAYMENT.AMOUNT_SAT);
      boolean paid = "paid".equals(r.get(SETTLEMENT_PAYMENT.STATUS));
      payments.merge(
          key,
          new ReportBuilder.Payments(paid ? sat : 0, paid ? 0 : sat),
          (a, b) ->
              new ReportBuilder.Payments(
                  Math.addExact(a.paidSat(), b.paidSat()),
                  Math.addExact(a.pendingSat(), b.pendingSat())));
    }
    Map<Long, List<Long>> points = new HashMap<>();
    db.select(METERING_POINT.ACCOUNT_ID, METERING_POINT.ID)
        .from(METERING_POINT)
        .where(METERING_POINT.ZONE_CODE.eq(zoneCode))
        .orderBy(METERING_POINT.ID)
        .forEach(r -> points.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2()));
    Map<ReportBuilder.AccountSlot, List<String>> anchors = new HashMap<>();
    Map<String, ReportBuilder.AccountSlot> byRef = new HashMap<>();
    for (Statement s : newest.values()) {
      for (int v = 1; v <= s.version(); v++) {
        byRef.put(
            ItemRef.statement(s.accountId(), zoneCode, s.slot().start().getEpochSecond(), v),
            new ReportBuilder.AccountSlot(s.accountId(), s.slot().start()));
      }
    }
    if (!byRef.isEmpty()) {
      db.select(ANCHOR_LEAF.ITEM_REF, ANCHOR_LEAF.ANCHOR_TXID)
          .from(ANCHOR_LEAF)
          .where(ANCHOR_LEAF.ITEM_KIND.eq((short) AnchorItemKind.STATEMENT.code()))
          .and(ANCHOR_LEAF.ITEM_REF.in(byRef.keySet()))
          .orderBy(ANCHOR_LEAF.ITEM_REF)
          .forEach(
              r -> {
                List<String> txids =
                    anchors.computeIfAbsent(byRef.get(r.value1()), k -> new ArrayList<>());
                if (!txids.contains(r.value2())) {
                  txids.add(r.value2());
                }
              });
    }
    return ReportBuilder.build(
            zoneCode,
            from,
            to,
            currency,
            tariffMilliCtPerKwh,
            new ArrayList<>(newest.values()),
            payments,
            points,
            anchors,
            chainRestarts(zoneCode, newest.keySet()),
            espi(zoneCode, from, to, currency, newest.values()))
        .withFlexibility(flexibility(zoneCode, from, to, newest));
  }

  /**
   * A section per flexibility request of the zone with slots in [from, to): per slot what it
   * needed, what was accepted and what the statements credit as delivered; per acceptance what its
   * household's statements credit and pay, and the anchor of its delivery record.
   */
  private List<FlexibilityEvent> flexibility(
      String zoneCode, Instant from, Instant to, Map<ReportBuilder.AccountSlot, Statement> newest) {
    List<FlexibilityEvent> events = new ArrayList<>();
    for (FlexRequestRecord request :
        db.selectFrom(FLEX_REQUEST)
            .where(FLEX_REQUEST.ZONE_CODE.eq(zoneCode))
            .and(FLEX_REQUEST.STARTS_AT.lt(to))
            .and(FLEX_REQUEST.ENDS_AT.gt(from))
            .orderBy(FLEX_REQUEST.STARTS_AT, FLEX_REQUEST.ID)
            .fetch()) {
      List<FlexAcceptanceRecord> acceptances =
          db.selectFrom(FLEX_ACCEPTANCE)
              .where(FLEX_ACCEPTANCE.REQUEST_ID.eq(request.getId()))
              .orderBy(FLEX_ACCEPTANCE.ID)
              .fetch();
      long acceptedW = acceptances.stream().mapToLong(FlexAcceptanceRecord::getWatts).sum();
      Map<String, String> anchored = new HashMap<>();
      db.select(ANCHOR_LEAF.ITEM_REF, ANCHOR_LEAF.ANCHOR_TXID)
          .from(ANCHOR_LEAF)
          .where(ANCHOR_LEAF.ITEM_KIND.eq((short) AnchorItemKind.FLEXIBILITY.code()))
          .and(
              ANCHOR_LEAF.ITEM_REF.in(
                  acceptances.stream().map(a -> ItemRef.flexibility(a.getId())).toList()))
          .forEach(r -> anchored.put(r.value1(), r.value2()));
      List<FlexibilityEvent.Slot> slots = new ArrayList<>();
      List<FlexRequestSlotRecord> requestSlots =
          db.selectFrom(FLEX_REQUEST_SLOT)
              .where(FLEX_REQUEST_SLOT.REQUEST_ID.eq(request.getId()))
              .and(FLEX_REQUEST_SLOT.SLOT_START.ge(from))
              .and(FLEX_REQUEST_SLOT.SLOT_START.lt(to))
              .orderBy(FLEX_REQUEST_SLOT.SLOT_START)
              .fetch();
      for (FlexRequestSlotRecord slot : requestSlots) {
        long deliveredWh = 0;
        for (FlexAcceptanceRecord a : acceptances) {
          for (StatementLine line : flexibilityLines(newest, a, slot.getSlotStart())) {
            deliveredWh = Math.addExact(deliveredWh, line.quantityWh());
          }
        }
        slots.add(
            new FlexibilityEvent.Slot(
                slot.getSlotStart(),
                slot.getNeededW(),
                acceptedW,
                Math.multiplyExact(deliveredWh, SLOTS_PER_HOUR)));
      }
      List<FlexibilityEvent.Home> homes = new ArrayList<>();
      for (FlexAcceptanceRecord a : acceptances) {
        long wh = 0;
        long amount = 0;
        long sat = 0;
        for (FlexRequestSlotRecord slot : requestSlots) {
          for (StatementLine line : flexibilityLines(newest, a, slot.getSlotStart())) {
            wh = Math.addExact(wh, line.quantityWh());
            amount = Math.addExact(amount, line.amount());
            sat = Math.addExact(sat, line.amountSat());
          }
        }
        homes.add(
            new FlexibilityEvent.Home(
                a.getId(),
                a.getAccountId(),
                a.getDeviceId(),
                a.getWatts(),
                wh,
                amount,
                sat,
                anchored.get(ItemRef.flexibility(a.getId()))));
      }
      events.add(
          new FlexibilityEvent(
              request.getEventId(),
              request.getId(),
              request.getDirection(),
              request.getPricePerKwh(),
              slots,
              homes));
    }
    return events;
  }

  /** The flexibility lines of acceptance {@code a} on its household's statement of the slot. */
  private static List<StatementLine> flexibilityLines(
      Map<ReportBuilder.AccountSlot, Statement> newest, FlexAcceptanceRecord a, Instant slotStart) {
    Statement s = newest.get(new ReportBuilder.AccountSlot(a.getAccountId(), slotStart));
    if (s == null) {
      return List.of();
    }
    return s.lines().stream()
        .filter(l -> l.kind() == LineKind.FLEXIBILITY_DELIVERY && l.tradeId() == a.getId())
        .toList();
  }

  /** A gap a chain restart left in one account's readings; null ends are open. */
  private record Gap(long accountId, Instant from, Instant to) {}

  /**
   * The accounts and slots of {@code rows} that a chain restart's gap overlaps: from the last
   * reading accepted before the restart to the first stored after it.
   */
  private Set<ReportBuilder.AccountSlot> chainRestarts(
      String zoneCode, Set<ReportBuilder.AccountSlot> rows) {
    var r = READING_CHAIN_RESTART;
    Field<Instant> firstAfter = RestartGaps.end();
    List<Gap> gaps =
        db.select(METERING_POINT.ACCOUNT_ID, r.LAST_TAKEN_AT, firstAfter)
            .from(r)
            .join(DEVICE)
            .on(DEVICE.ID.eq(r.DEVICE_ID))
            .join(METERING_POINT)
            .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
            .where(METERING_POINT.ZONE_CODE.eq(zoneCode))
            .fetch(g -> new Gap(g.value1(), g.value2(), g.value3()));
    Set<ReportBuilder.AccountSlot> flagged = new HashSet<>();
    for (ReportBuilder.AccountSlot row : rows) {
      Instant end = row.slotStart().plus(SLOT_LENGTH);
      for (Gap gap : gaps) {
        if (gap.accountId() == row.accountId()
            && (gap.from() == null || gap.from().isBefore(end))
            && (gap.to() == null || gap.to().isAfter(row.slotStart()))) {
          flagged.add(row);
        }
      }
    }
    return flagged;
  }

  /**
   * Every metering point of the zone, traded or not, with what its meters measured per quarter-hour
   * of the period's slots, and its account's statement money on its first point.
   */
  private EspiFeed espi(
      String zoneCode, Instant from, Instant to, String currency, Iterable<Statement> statements) {
    Instant start = DeliverySlot.containing(from).start();
    DeliverySlot last = DeliverySlot.containing(to.minusNanos(1));
    Instant end = last.end();
    ZoneId timeZone =
        usage.zone(zoneCode).map(JdbcUsageSource.ZoneInfo::timeZone).orElse(ZoneOffset.UTC);
    return new EspiFeed(
        "zone " + zoneCode,
        start,
        end,
        timeZone,
        currency,
        EspiFeeds.points(usage.usage(zoneCode, null, start, end), statements));
  }
}
