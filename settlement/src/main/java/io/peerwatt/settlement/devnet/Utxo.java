package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.bsv.TxOutput;

/**
 * An unspent output of the devnet ledger.
 *
 * @param outpoint where it is
 * @param output value and locking script
 * @param coinbaseHeight height of the block whose coinbase made it; -1 for ordinary transactions
 */
record Utxo(Outpoint outpoint, TxOutput output, long coinbaseHeight) {
  boolean isCoinbase() {
    return coinbaseHeight >= 0;
  }
}
