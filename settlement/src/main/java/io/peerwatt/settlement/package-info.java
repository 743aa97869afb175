/**
 * After delivery: allocation, statements, payment channels, anchoring, chain backends and reports.
 */
package io.peerwatt.settlement;
