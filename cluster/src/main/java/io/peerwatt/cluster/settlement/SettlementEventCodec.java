package io.peerwatt.cluster.settlement;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A settlement event as a record value: one UTF-8 JSON object, version 1. Every event has {@code
 * "v": 1}, {@code "id"} (the outbox row id, >= 1), {@code "kind"}, {@code "zone"} and {@code
 * "slot"} (e.g. {@code 2026-11-25T10:00Z/PT15M}); {@code STATEMENT_MADE} adds {@code "account"},
 * {@code "version"} (>= 1), {@code "totalAmount"}, {@code "totalSat"} and {@code "statementHash"}
 * (64 lower-case hex digits); {@code SLOT_CLOSED} adds {@code "statements"}, {@code "payments"}
 * (both >= 0), {@code "paymentSat"} and {@code "resettled"} (boolean). Amounts are integers (market
 * units, satoshis). A reader refuses any other version, a missing or unknown member, or a value out
 * of range.
 */
public final class SettlementEventCodec {
  /** The encoding's version, member {@code "v"}. */
  public static final int VERSION = 1;

  private static final String STATEMENT_MADE = "STATEMENT_MADE";
  private static final String SLOT_CLOSED = "SLOT_CLOSED";

  /** Zone codes are at most this long ({@code zone.code}). */
  private static final int MAX_ZONE_LENGTH = 32;

  private SettlementEventCodec() {}

  public static byte[] encode(SettlementEvent event) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", VERSION);
    json.put("id", event.id());
    json.put("kind", event instanceof SettlementEvent.StatementMade ? STATEMENT_MADE : SLOT_CLOSED);
    json.put("zone", event.zoneCode());
    json.put("slot", event.slot().toString());
    if (event instanceof SettlementEvent.StatementMade s) {
      json.put("account", s.accountId());
      json.put("version", s.version());
      json.put("totalAmount", s.totalAmount());
      json.put("totalSat", s.totalSat());
      json.put("statementHash", s.statementHashHex());
    } else if (event instanceof SettlementEvent.SlotClosed c) {
      json.put("statements", c.statements());
      json.put("payments", c.payments());
      json.put("paymentSat", c.paymentSat());
      json.put("resettled", c.resettled());
    }
    return Json.write(json).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @throws FormatException when {@code value} is not a version-1 settlement event
   */
  public static SettlementEvent decode(byte[] value) {
    Map<String, Object> json = Json.parseObject(new String(value, StandardCharsets.UTF_8));
    long version = Json.integer(json, "v");
    if (version != VERSION) {
      throw new FormatException("settlement event version " + version + " is not " + VERSION);
    }
    long id = Json.integer(json, "id", 1, Long.MAX_VALUE);
    String kind = Json.string(json, "kind");
    String zone = Json.string(json, "zone");
    if (zone.isBlank() || zone.length() > MAX_ZONE_LENGTH) {
      throw new FormatException("field \"zone\" must be a zone code of 1-32 characters");
    }
    DeliverySlot slot;
    try {
      slot = DeliverySlot.parse(Json.string(json, "slot"));
    } catch (IllegalArgumentException e) {
      throw new FormatException("field \"slot\": " + e.getMessage());
    }
    return switch (kind) {
      case STATEMENT_MADE -> {
        Json.requireOnly(
            json,
            "a STATEMENT_MADE event",
            "v",
            "id",
            "kind",
            "zone",
            "slot",
            "account",
            "version",
            "totalAmount",
            "totalSat",
            "statementHash");
        String hash = Json.string(json, "statementHash");
        if (!StrictHex.encode(StrictHex.decode(hash, 32, "statementHash")).equals(hash)) {
          throw new FormatException("field \"statementHash\" must be lower-case hex");
        }
        yield new SettlementEvent.StatementMade(
            id,
            zone,
            slot,
            Json.integer(json, "account", 1, Long.MAX_VALUE),
            (int) Json.integer(json, "version", 1, Integer.MAX_VALUE),
            Json.integer(json, "totalAmount"),
            Json.integer(json, "totalSat"),
            hash);
      }
      case SLOT_CLOSED -> {
        Json.requireOnly(
            json,
            "a SLOT_CLOSED event",
            "v",
            "id",
            "kind",
            "zone",
            "slot",
            "statements",
            "payments",
            "paymentSat",
            "resettled");
        if (!(Json.member(json, "resettled") instanceof Boolean resettled)) {
          throw new FormatException("field \"resettled\" must be true or false");
        }
        yield new SettlementEvent.SlotClosed(
            id,
            zone,
            slot,
            (int) Json.integer(json, "statements", 0, Integer.MAX_VALUE),
            (int) Json.integer(json, "payments", 0, Integer.MAX_VALUE),
            Json.integer(json, "paymentSat"),
            resettled);
      }
      default -> throw new FormatException("unknown settlement event kind '" + kind + "'");
    };
  }
}
