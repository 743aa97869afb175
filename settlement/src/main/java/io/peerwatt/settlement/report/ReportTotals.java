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

  /** Delivered sold = delivered bought and bought = sold over the report. */
  public boolean energyReconciles() {
    return deliveredSoldWh == deliveredBoughtWh && boughtWh == soldWh;
  }

  /** Statement satoshis = paid + pending satoshis. */
  public boolean paymentsReconcile() {
    return statementSat == paidSat + pendingSat;
  }
}
