package io.peerwatt.settlement.wallet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link WalletStore} in memory, for tests. */
public final class InMemoryWalletStore implements WalletStore {
  private final Map<String, WalletOutput> outputs = new LinkedHashMap<>();
  private final String walletLabel;

  /** A store for the hub wallet's key. */
  public InMemoryWalletStore() {
    this(HubWallet.WALLET_KEY_LABEL);
  }

  public InMemoryWalletStore(String walletLabel) {
    this.walletLabel = walletLabel;
  }

  @Override
  public String walletLabel() {
    return walletLabel;
  }

  @Override
  public synchronized void add(List<WalletOutput> added) {
    for (WalletOutput o : added) {
      outputs.putIfAbsent(o.outpoint(), o);
    }
  }

  @Override
  public synchronized List<WalletOutput> unspent() {
    return outputs.values().stream().filter(o -> o.spentByTxid() == null).toList();
  }

  @Override
  public synchronized void markSpent(List<WalletOutput> spent, byte[] spendingTxid) {
    for (WalletOutput o : spent) {
      WalletOutput cur = outputs.get(o.outpoint());
      outputs.put(
          o.outpoint(),
          new WalletOutput(
              cur.txid(),
              cur.index(),
              cur.satoshis(),
              cur.lockingScript(),
              cur.keyLabel(),
              cur.confirmedHeight(),
              spendingTxid));
    }
  }

  @Override
  public synchronized List<WalletOutput> spentBy(byte[] spendingTxid) {
    return outputs.values().stream()
        .filter(o -> o.spentByTxid() != null && Arrays.equals(o.spentByTxid(), spendingTxid))
        .toList();
  }

  @Override
  public synchronized void releaseSpentBy(byte[] spendingTxid) {
    for (Map.Entry<String, WalletOutput> e : new ArrayList<>(outputs.entrySet())) {
      WalletOutput cur = e.getValue();
      if (cur.spentByTxid() != null && Arrays.equals(cur.spentByTxid(), spendingTxid)) {
        e.setValue(
            new WalletOutput(
                cur.txid(),
                cur.index(),
                cur.satoshis(),
                cur.lockingScript(),
                cur.keyLabel(),
                cur.confirmedHeight(),
                null));
      }
    }
  }

  @Override
  public synchronized void confirm(byte[] txid, long height) {
    for (Map.Entry<String, WalletOutput> e : new ArrayList<>(outputs.entrySet())) {
      WalletOutput cur = e.getValue();
      if (Arrays.equals(cur.txid(), txid)) {
        e.setValue(
            new WalletOutput(
                cur.txid(),
                cur.index(),
                cur.satoshis(),
                cur.lockingScript(),
                cur.keyLabel(),
                height,
                cur.spentByTxid()));
      }
    }
  }
}
