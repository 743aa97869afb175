package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.bsv.Transaction;
import java.util.Arrays;

/** A transaction output's address: txid (internal byte order, 32 bytes) and index. */
record Outpoint(byte[] txid, long index) {
  Outpoint {
    txid = txid.clone();
  }

  @Override
  public byte[] txid() {
    return txid.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Outpoint p && index == p.index && Arrays.equals(txid, p.txid);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(txid) * 31 + Long.hashCode(index);
  }

  @Override
  public String toString() {
    return Transaction.txidToHex(txid) + ":" + index;
  }
}
