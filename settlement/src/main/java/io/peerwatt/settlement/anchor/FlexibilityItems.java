package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.FLEX_DELIVERY_RECORD;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.flex.Acceptance;
import io.peerwatt.settlement.flex.FlexDeliveries;
import io.peerwatt.settlement.flex.SlotDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Delivered flexibility as anchor items ({@link AnchorItemKind#FLEXIBILITY}): one delivery record
 * per acceptance, once every slot of its request is settled and the household's statements of those
 * slots are complete (no missing data, so they are final). It goes into the anchor of the zone's
 * slot being anchored then, one of the request's slots. The record's bytes are canonical JSON (keys
 * in a fixed order): the acceptance's terms and, per slot, baseline, metered and delivered Wh, the
 * amount paid and the statement version it was paid on with its hash. They are stored when first
 * made ({@code flex_delivery_record}), so a proof always carries the bytes the anchor committed to.
 */
final class FlexibilityItems {
  private FlexibilityItems() {}

  /** The delivery records of the acceptances covering the slot that are (or now become) ready. */
  static List<AnchorItem> of(
      DSLContext db, FlexDeliveries deliveries, String zoneCode, Instant slotStart) {
    List<AnchorItem> items = new ArrayList<>();
    for (Acceptance a :
        deliveries.acceptancesCovering(new SlotKey(zoneCode, new DeliverySlot(slotStart)))) {
      Optional<byte[]> stored = bytes(db, a.id());
      if (stored.isEmpty()) {
        stored = record(db, deliveries, a);
      }
      stored.ifPresent(
          b ->
              items.add(
                  new AnchorItem(AnchorItemKind.FLEXIBILITY, ItemRef.flexibility(a.id()), b)));
    }
    return items;
  }

  /** The stored record of acceptance {@code ref}. */
  static Optional<byte[]> bytes(DSLContext db, String ref) {
    return bytes(db, Long.parseLong(ref));
  }

  private static Optional<byte[]> bytes(DSLContext db, long acceptanceId) {
    return db.select(FLEX_DELIVERY_RECORD.ENCODED)
        .from(FLEX_DELIVERY_RECORD)
        .where(FLEX_DELIVERY_RECORD.ACCEPTANCE_ID.eq(acceptanceId))
        .fetchOptional(FLEX_DELIVERY_RECORD.ENCODED);
  }

  /** Writes the acceptance's record if it is ready, and returns what is stored. */
  private static Optional<byte[]> record(DSLContext db, FlexDeliveries deliveries, Acceptance a) {
    JdbcStatementStore statements = new JdbcStatementStore(db);
    // the statement each slot was paid on, and its line: all there and complete, or not ready
    List<Statement> paidOn = new ArrayList<>();
    List<StatementLine> lines = new ArrayList<>();
    for (Instant start = a.startsAt();
        start.isBefore(a.endsAt());
        start = start.plus(DeliverySlot.LENGTH)) {
      List<Statement> versions =
          statements.versions(a.accountId(), new SlotKey(a.zoneCode(), new DeliverySlot(start)));
      if (versions.isEmpty() || versions.get(versions.size() - 1).missing()) {
        return Optional.empty();
      }
      Statement latest = versions.get(versions.size() - 1);
      Optional<StatementLine> line =
          latest.lines().stream()
              .filter(l -> l.kind() == LineKind.FLEXIBILITY_DELIVERY && l.tradeId() == a.id())
              .findFirst();
      if (line.isEmpty()) {
        return Optional.empty();
      }
      paidOn.add(latest);
      lines.add(line.get());
    }
    List<SlotDelivery> measured = deliveries.deliveries(a);
    List<Map<String, Object>> slots = new ArrayList<>();
    long deliveredWh = 0;
    long amount = 0;
    long amountSat = 0;
    for (int i = 0; i < measured.size(); i++) {
      SlotDelivery d = measured.get(i);
      StatementLine line = lines.get(i);
      Map<String, Object> slot = new LinkedHashMap<>();
      slot.put("slotStart", d.slotStart().toString());
      slot.put("baselineWh", d.baselineWh().isPresent() ? d.baselineWh().getAsLong() : null);
      slot.put("meteredWh", d.meteredWh());
      slot.put("deliveredWh", line.quantityWh());
      slot.put("pricePerKwh", line.pricePerKwh());
      slot.put("amount", line.amount());
      slot.put("amountSat", line.amountSat());
      slot.put("statementVersion", paidOn.get(i).version());
      slot.put("statementHash", StatementCodec.hashHex(paidOn.get(i)));
      slots.add(slot);
      deliveredWh = Math.addExact(deliveredWh, line.quantityWh());
      amount = Math.addExact(amount, line.amount());
      amountSat = Math.addExact(amountSat, line.amountSat());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("acceptanceId", a.id());
    m.put("eventId", a.eventId());
    m.put("requestId", a.requestId());
    m.put("deviceId", a.deviceId());
    m.put("householdAccountId", a.accountId());
    m.put("zoneCode", a.zoneCode());
    m.put("direction", a.direction());
    m.put("acceptedW", a.watts());
    m.put("requestPricePerKwh", a.pricePerKwh());
    m.put("slots", slots);
    m.put("deliveredWh", deliveredWh);
    m.put("amount", amount);
    m.put("amountSat", amountSat);
    db.insertInto(FLEX_DELIVERY_RECORD)
        .set(FLEX_DELIVERY_RECORD.ACCEPTANCE_ID, a.id())
        .set(FLEX_DELIVERY_RECORD.ENCODED, Json.write(m).getBytes(StandardCharsets.UTF_8))
        .set(FLEX_DELIVERY_RECORD.RECORDED_AT, DSL.field("now()", SQLDataType.INSTANT))
        .onConflictDoNothing()
        .execute();
    return bytes(db, a.id());
  }
}
