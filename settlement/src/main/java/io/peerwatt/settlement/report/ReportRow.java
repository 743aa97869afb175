package io.peerwatt.settlement.report;

import java.time.Instant;
import java.util.List;

/**
 * One metering point (its account's newest statement) in one slot.
 *
 * @param meteringPointIds the account's metering points in the zone (usually one)
 * @param accountId the prosumer
 * @param slotStart slot start (slots are PT15M)
 * @param statementVersion the statement version reported (the newest)
 * @param importWh metered import, OBIS 1-0:1.8.0 delta over the slot
 * @param exportWh metered export, OBIS 1-0:2.8.0 delta over the slot
 * @param boughtWh energy bought on the market
 * @param soldWh energy sold on the market
 * @param deliveredBoughtWh of the bought energy, what the sellers really delivered (their paid
 *     share)
 * @param deliveredSoldWh of the sold energy, what this seller really delivered: min(sold, export)
 * @param residualImportWh import not covered by delivered P2P energy: the utility bills it at its
 *     tariff
 * @param residualExportWh export not sold P2P: the utility's feed-in
 * @param deviationWh net metered minus net traded: (import - export) - (bought - sold)
 * @param residualBillMilliCt residualImportWh at the given tariff, milli-cent (0 without a tariff)
 * @param statementSat the statement's satoshi total (positive: the hub pays the prosumer)
 * @param paidSat channel payments made for this account and slot (all versions)
 * @param pendingSat payments still pending or refused
 * @param estimated a boundary value was interpolated
 * @param missing meter data was missing
 * @param chainRestart a device of the metering points restarted its reading chain (a permanent
 *     refusal) and the gap it left overlaps the slot
 * @param anchorTxids anchor transactions holding the statement (and its slot's readings and trades)
 */
public record ReportRow(
    List<Long> meteringPointIds,
    long accountId,
    Instant slotStart,
    int statementVersion,
    long importWh,
    long exportWh,
    long boughtWh,
    long soldWh,
    long deliveredBoughtWh,
    long deliveredSoldWh,
    long residualImportWh,
    long residualExportWh,
    long deviationWh,
    long residualBillMilliCt,
    long statementSat,
    long paidSat,
    long pendingSat,
    boolean estimated,
    boolean missing,
    boolean chainRestart,
    List<String> anchorTxids) {

  public ReportRow {
    meteringPointIds = List.copyOf(meteringPointIds);
    anchorTxids = List.copyOf(anchorTxids);
  }
}
