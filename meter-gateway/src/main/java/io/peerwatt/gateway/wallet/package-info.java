/**
 * The machine-to-machine wallet: its agent's rounds, channels, statement checks and payments, its
 * state, inbox and reading ledger.
 */
package io.peerwatt.gateway.wallet;
