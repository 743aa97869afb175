/**
 * Utility settlement reports: per metering point and slot the metered energy (OBIS 1-0:1.8.0 and
 * 2.8.0), P2P bought/sold/delivered, residual, deviation, payments, quality flags and anchor txids,
 * with reconciling totals ({@link io.peerwatt.settlement.report.ReportBuilder}); rendered as CSV,
 * JSON or Green Button ESPI ({@link io.peerwatt.settlement.report.ReportWriter}); read from the
 * database by {@link io.peerwatt.settlement.report.JdbcReportSource}.
 */
package io.peerwatt.settlement.report;
