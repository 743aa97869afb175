package io.peerwatt.settlement;

import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementLine;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Statements as CSV, one row per statement (the newest version of each slot): the metered and
 * traded energy in Wh and each kind of money line summed, in the statement's market unit
 * (milli-cent for fiat zones) and in satoshis. Integers only, the unit in each column's name, so a
 * spreadsheet adds up exactly what the statements say.
 */
public final class StatementCsv {
  /** The money columns, in {@link LineKind} code order. */
  private static final Map<LineKind, String> LINE_COLUMNS = new EnumMap<>(LineKind.class);

  static {
    LINE_COLUMNS.put(LineKind.ENERGY_PURCHASE, "energyPurchase");
    LINE_COLUMNS.put(LineKind.GRID_FEE, "gridFee");
    LINE_COLUMNS.put(LineKind.ENERGY_SALE, "energySale");
    LINE_COLUMNS.put(LineKind.SELLER_SHORTFALL, "sellerShortfall");
    LINE_COLUMNS.put(LineKind.BUYER_UNDER_IMPORT, "buyerUnderImport");
    LINE_COLUMNS.put(LineKind.BUYER_EXCESS_IMPORT, "buyerExcessImport");
    LINE_COLUMNS.put(LineKind.FLEXIBILITY_DELIVERY, "flexibilityDelivery");
    LINE_COLUMNS.put(LineKind.DATA_PURCHASE, "dataPurchase");
    LINE_COLUMNS.put(LineKind.DATA_SALE, "dataSale");
    LINE_COLUMNS.put(LineKind.DATA_PLATFORM_FEE, "dataPlatformFee");
  }

  private StatementCsv() {}

  /** The header and one row per statement, lines ending CRLF. */
  public static String write(List<Statement> statements) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "accountId,zone,slotStart,slotEnd,version,currency,importWh,exportWh,boughtWh,soldWh,"
            + "deliveredWh,estimated,missing");
    for (String column : LINE_COLUMNS.values()) {
      sb.append(',').append(column).append("Amount");
    }
    sb.append(",totalAmount,totalSat,amountUnit,hash\r\n");
    for (Statement s : statements) {
      Map<LineKind, Long> byKind = new EnumMap<>(LineKind.class);
      for (StatementLine line : s.lines()) {
        byKind.merge(line.kind(), line.amount(), Math::addExact);
      }
      sb.append(s.accountId())
          .append(',')
          .append(s.zoneCode())
          .append(',')
          .append(s.slot().start())
          .append(',')
          .append(s.slot().end())
          .append(',')
          .append(s.version())
          .append(',')
          .append(s.currency())
          .append(',')
          .append(s.importWh())
          .append(',')
          .append(s.exportWh())
          .append(',')
          .append(s.boughtWh())
          .append(',')
          .append(s.soldWh())
          .append(',')
          .append(s.deliveredWh())
          .append(',')
          .append(s.estimated())
          .append(',')
          .append(s.missing());
      for (LineKind kind : LINE_COLUMNS.keySet()) {
        sb.append(',').append(byKind.getOrDefault(kind, 0L));
      }
      sb.append(',')
          .append(s.totalAmount())
          .append(',')
          .append(s.totalSat())
          .append(',')
          .append(s.priceUnit() == PriceUnit.SAT_PER_KWH ? "sat" : "milli-cent")
          .append(',')
          .append(StatementCodec.hashHex(s))
          .append("\r\n");
    }
    return sb.toString();
  }
}
