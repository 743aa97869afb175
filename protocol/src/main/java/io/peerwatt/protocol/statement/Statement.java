package io.peerwatt.protocol.statement;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import java.util.List;
import java.util.Objects;

/**
 * One prosumer's settlement statement for one (zone, slot), in one version. A re-settlement is a
 * new version whose {@code previousHashHex} names the version it replaces; versions are never
 * edited. Its canonical bytes and hash come from {@link StatementCodec}.
 *
 * @param accountId the prosumer
 * @param zoneCode the grid zone
 * @param slot the delivery interval
 * @param version 1 for the first settlement, +1 per re-settlement
 * @param previousHashHex hash of version - 1, or 64 zeros for version 1
 * @param currency the market currency (or {@code BSV})
 * @param priceUnit unit of the prices; amounts are milli-cent (fiat) or satoshi (BSV)
 * @param rate the rate used for every satoshi amount
 * @param boughtWh energy bought in the slot
 * @param soldWh energy sold in the slot
 * @param deliveredWh min(sold, metered export), the energy paid to the seller
 * @param importWh metered import in the slot (0 if missing)
 * @param exportWh metered export in the slot (0 if missing)
 * @param estimated a boundary value was interpolated over a long gap
 * @param missing some meter had no data at a boundary
 * @param lines money lines, ordered by kind code then trade id
 * @param totalAmount sum of the line amounts (market unit)
 * @param totalSat sum of the line satoshi amounts: positive = the hub pays the prosumer
 * @param readings the readings the metered values came from
 */
public record Statement(
    long accountId,
    String zoneCode,
    DeliverySlot slot,
    int version,
    String previousHashHex,
    String currency,
    PriceUnit priceUnit,
    ExchangeRate rate,
    long boughtWh,
    long soldWh,
    long deliveredWh,
    long importWh,
    long exportWh,
    boolean estimated,
    boolean missing,
    List<StatementLine> lines,
    long totalAmount,
    long totalSat,
    List<ReadingRef> readings) {

  /** {@code previousHashHex} of a first version. */
  public static final String NO_PREVIOUS = "0".repeat(64);

  public Statement {
    Objects.requireNonNull(zoneCode, "zoneCode");
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(previousHashHex, "previousHashHex");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(priceUnit, "priceUnit");
    Objects.requireNonNull(rate, "rate");
    lines = List.copyOf(lines);
    readings = List.copyOf(readings);
    if (version < 1) {
      throw new IllegalArgumentException("statement version starts at 1: " + version);
    }
    if (!previousHashHex.matches("[0-9a-f]{64}")
        || (version == 1) != previousHashHex.equals(NO_PREVIOUS)) {
      throw new IllegalArgumentException(
          "previous hash must be 64 hex, zeros exactly for version 1");
    }
    long amount = 0;
    long sat = 0;
    for (StatementLine l : lines) {
      amount = Math.addExact(amount, l.amount());
      sat = Math.addExact(sat, l.amountSat());
    }
    if (amount != totalAmount || sat != totalSat) {
      throw new IllegalArgumentException("statement totals differ from the sum of its lines");
    }
  }

  /**
   * This statement as version {@code newVersion} following the statement hashed {@code
   * previousHash}.
   */
  public Statement asVersion(int newVersion, String previousHash) {
    return new Statement(
        accountId,
        zoneCode,
        slot,
        newVersion,
        previousHash,
        currency,
        priceUnit,
        rate,
        boughtWh,
        soldWh,
        deliveredWh,
        importWh,
        exportWh,
        estimated,
        missing,
        lines,
        totalAmount,
        totalSat,
        readings);
  }

  /** Whether both say the same thing, ignoring their version and chain link. */
  public boolean sameContentAs(Statement other) {
    return asVersion(1, NO_PREVIOUS).equals(other.asVersion(1, NO_PREVIOUS));
  }
}
