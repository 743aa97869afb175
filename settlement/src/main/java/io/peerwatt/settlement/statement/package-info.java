/**
 * Statements, pure: one per prosumer, slot and version, with their canonical encoding and hash, the
 * satoshi rates they are converted with, and the machine-to-machine check a buyer's gateway runs
 * before it signs a payment.
 */
package io.peerwatt.settlement.statement;
