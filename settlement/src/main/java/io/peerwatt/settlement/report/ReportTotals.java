package io.peerwatt.settlement.report;

/**
 * Sums over every row, and whether they reconcile: delivered sold equals delivered bought, bought
 * equals sold, and every statement's satoshis are accounted for by payments (paid + pending).
 */
public record ReportTotals(
    long importWh,
    long exportWh,
    long boughtWh,
    long soldWh,
    long deliveredBoughtWh,
    long deliveredSoldWh,
    long residualImportWh,
    long residualExportWh,
    long residualBillMilliCt,
    long statementSat,
    long paidSat,
    long pendingSat) {

  /** The totals of no rows. */
  static final ReportTotals ZERO = new ReportTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** These totals with {@code row} added; ArithmeticException on overflow. */
  ReportTotals plus(ReportRow row) {
    return new ReportTotals(
        Math.addExact(importWh, row.importWh()),
        Math.addExact(exportWh, row.exportWh()),
        Math.addExact(boughtWh, row.boughtWh()),
        Math.addExact(soldWh, row.soldWh()),
        Math.addExact(deliveredBoughtWh, row.deliveredBoughtWh()),
        Math.addExact(deliveredSoldWh, row.deliveredSoldWh()),
        Math.addExact(residualImportWh, row.residualImportWh()),
        Math.addExact(residualExportWh, row.residualExportWh()),
        Math.addExact(residualBillMilliCt, row.residualBillMilliCt()),
        Math.addExact(statementSat, row.statementSat()),
        Math.addExact(paidSat, row.paidSat()),
        Math.addExact(pendingSat, row.pendingSat()));
  }

  /** Delivered sold = delivered bought and bought = sold over the report. */
  public boolean energyReconciles() {
    return deliveredSoldWh == deliveredBoughtWh && boughtWh == soldWh;
  }

  /** Statement satoshis = paid + pending satoshis. */
  public boolean paymentsReconcile() {
    return statementSat == paidSat + pendingSat;
  }
}
