package io.peerwatt.settlement.wallet;

import java.util.List;

/**
 * Where one wallet keeps its outputs; stores of different wallets (the hub's, each custodial one)
 * are kept apart by {@link #walletLabel()}. Each call is atomic.
 */
public interface WalletStore {

  /** The vault label of the key whose outputs this store holds. */
  String walletLabel();

  /** Adds outputs (ignoring ones already known). */
  void add(List<WalletOutput> outputs);

  /** Outputs not spent by any wallet transaction. */
  List<WalletOutput> unspent();

  /** Marks these outputs (txid internal order, index) spent by {@code spendingTxid}. */
  void markSpent(List<WalletOutput> outputs, byte[] spendingTxid);

  /** The outputs {@link #markSpent} reserved for {@code spendingTxid}, in no particular order. */
  List<WalletOutput> spentBy(byte[] spendingTxid);

  /** Undoes {@link #markSpent} for a transaction the chain refused. */
  void releaseSpentBy(byte[] spendingTxid);

  /** Records that {@code txid}'s outputs were mined at {@code height}. */
  void confirm(byte[] txid, long height);
}
