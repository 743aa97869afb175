package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import java.util.Arrays;

/**
 * An output the hub wallet can spend (or spent).
 *
 * @param txid creating transaction, internal byte order
 * @param index output index
 * @param satoshis value
 * @param lockingScript the P2PKH script of {@code keyLabel}'s key
 * @param keyLabel which vault key unlocks it
 * @param confirmedHeight block height of the creating transaction; -1 while unconfirmed
 * @param spentByTxid the wallet transaction spending it (internal order); null while spendable
 */
public record WalletOutput(
    byte[] txid,
    long index,
    long satoshis,
    byte[] lockingScript,
    String keyLabel,
    long confirmedHeight,
    byte[] spentByTxid) {
  public WalletOutput {
    txid = txid.clone();
    lockingScript = lockingScript.clone();
    spentByTxid = spentByTxid == null ? null : spentByTxid.clone();
  }

  @Override
  public byte[] txid() {
    return txid.clone();
  }

  @Override
  public byte[] lockingScript() {
    return lockingScript.clone();
  }

  @Override
  public byte[] spentByTxid() {
    return spentByTxid == null ? null : spentByTxid.clone();
  }

  public boolean isConfirmed() {
    return confirmedHeight >= 0;
  }

  public String outpoint() {
    return Transaction.txidToHex(txid) + ":" + index;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalletOutput w
        && Arrays.equals(txid, w.txid)
        && index == w.index
        && satoshis == w.satoshis
        && Arrays.equals(lockingScript, w.lockingScript)
        && keyLabel.equals(w.keyLabel)
        && confirmedHeight == w.confirmedHeight
        && Arrays.equals(spentByTxid, w.spentByTxid);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(txid) * 31 + Long.hashCode(index);
  }
}
