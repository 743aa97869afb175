package io.peerwatt.protocol.statement;

import io.peerwatt.protocol.encoding.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a statement for the portal, the API and the buyers' gateways. The readable
 * fields are a view; {@code canonical} (hex of the {@link StatementCodec} bytes) is authoritative,
 * and {@code hash} is its SHA-256, so a receiver decodes the canonical bytes and checks the hash
 * rather than trusting the view. Fields are written in a fixed order.
 */
public final class StatementJson {
  private static final HexFormat HEX = HexFormat.of();

  private StatementJson() {}

  /** The statement as an ordered JSON object. */
  public static Map<String, Object> toMap(Statement s) {
    byte[] canonical = StatementCodec.encode(s);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accountId", s.accountId());
    m.put("zone", s.zoneCode());
    m.put("slot", s.slot().toString());
    m.put("version", (long) s.version());
    m.put("previousHash", s.previousHashHex());
    m.put("currency", s.currency());
    m.put("priceUnit", s.priceUnit().name());
    Map<String, Object> rate = new LinkedHashMap<>();
    rate.put("satoshisPerUnit", s.rate().satoshisPerUnit());
    rate.put("marketUnitsPerUnit", s.rate().marketUnitsPerUnit());
    rate.put("source", s.rate().source());
    rate.put("asOf", s.rate().asOf().toString());
    m.put("rate", rate);
    Map<String, Object> metering = new LinkedHashMap<>();
    metering.put("boughtWh", s.boughtWh());
    metering.put("soldWh", s.soldWh());
    metering.put("deliveredWh", s.deliveredWh());
    metering.put("importWh", s.importWh());
    metering.put("exportWh", s.exportWh());
    metering.put("estimated", s.estimated());
    metering.put("missing", s.missing());
    m.put("metering", metering);
    List<Object> lines = new ArrayList<>();
    for (StatementLine l : s.lines()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("kind", l.kind().name());
      line.put("tradeId", l.tradeId());
      line.put("quantityWh", l.quantityWh());
      line.put("pricePerKwh", l.pricePerKwh());
      line.put("amount", l.amount());
      line.put("amountSat", l.amountSat());
      lines.add(line);
    }
    m.put("lines", lines);
    m.put("totalAmount", s.totalAmount());
    m.put("totalSat", s.totalSat());
    List<Object> readings = new ArrayList<>();
    for (ReadingRef r : s.readings()) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("deviceId", r.deviceId());
      ref.put("meterChannel", (long) r.meterChannel());
      ref.put("sequence", r.sequence());
      ref.put("readingHash", r.readingHashHex());
      readings.add(ref);
    }
    m.put("readings", readings);
    m.put("hash", StatementCodec.hashHex(s));
    m.put("canonical", HEX.formatHex(canonical));
    return m;
  }

  /** Compact JSON text. */
  public static String write(Statement s) {
    return Json.write(toMap(s));
  }

  /**
   * Reads a statement from its JSON form: decodes {@code canonical} and checks that {@code hash} is
   * its SHA-256 and that the view agrees with it.
   *
   * @throws io.peerwatt.protocol.FormatException if the text is not JSON or a field is missing
   * @throws IllegalArgumentException if the canonical bytes, the hash and the view disagree
   */
  public static Statement read(String text) {
    Map<String, Object> m = Json.parseObject(text);
    String canonicalHex = Json.string(m, "canonical");
    if (!canonicalHex.matches("([0-9a-f]{2})+")) {
      throw new IllegalArgumentException("canonical must be lowercase hex");
    }
    Statement s = StatementCodec.decode(HEX.parseHex(canonicalHex));
    if (!StatementCodec.hashHex(s).equals(Json.string(m, "hash"))) {
      throw new IllegalArgumentException("hash does not match the canonical bytes");
    }
    if (!toMap(s).equals(m)) {
      throw new IllegalArgumentException("the readable fields disagree with the canonical bytes");
    }
    return s;
  }
}
