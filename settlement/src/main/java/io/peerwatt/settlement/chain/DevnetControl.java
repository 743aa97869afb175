package io.peerwatt.settlement.chain;

import java.util.List;

/**
 * What only a development chain can do: mine on demand and hand out coins. Kept apart from {@link
 * ChainBackend} so production code cannot depend on it by accident.
 */
public interface DevnetControl {

  /**
   * Mines {@code count} blocks now, each with every mempool transaction that fits; returns their
   * headers.
   */
  List<ChainHeader> mineBlocks(int count);

  /**
   * Pays {@code satoshis} from the devnet genesis key to {@code lockingScript} in a normal,
   * validated transaction (already in the mempool when this returns). Devnet coins are not BSV
   * money.
   */
  FaucetPayment faucet(byte[] lockingScript, long satoshis);

  /** A faucet transaction and which of its outputs pays the requester. */
  record FaucetPayment(byte[] rawTx, String txid, int outputIndex, long satoshis) {
    public FaucetPayment {
      rawTx = rawTx.clone();
    }

    @Override
    public byte[] rawTx() {
      return rawTx.clone();
    }
  }
}
