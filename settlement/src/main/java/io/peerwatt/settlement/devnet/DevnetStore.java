package io.peerwatt.settlement.devnet;

import java.util.List;

/** Where the devnet ledger keeps its state between runs. Each call is one atomic change. */
interface DevnetStore {

  /** Everything stored, for rebuilding the ledger at start. */
  Snapshot load();

  /**
   * A transaction entered the mempool: store it, remove what it spent from the UTXO set, add its
   * outputs.
   */
  void saveAccepted(DevnetLedger.Accepted accepted);

  /**
   * A block was mined: store it, its coinbase and coinbase outputs, and move its transactions out
   * of the mempool.
   */
  void saveMined(DevnetLedger.Mined mined);

  /**
   * The stored state.
   *
   * @param blocks blocks by height
   * @param coinbases each block's coinbase raw transaction, by height
   * @param minedRawTxs the other mined transactions' raw forms
   * @param mempoolRawTxs the mempool in acceptance order
   * @param utxos the UTXO set
   * @param lastMempoolSequence the highest mempool sequence ever handed out
   */
  record Snapshot(
      List<DevnetBlock> blocks,
      List<byte[]> coinbases,
      List<byte[]> minedRawTxs,
      List<byte[]> mempoolRawTxs,
      List<Utxo> utxos,
      long lastMempoolSequence) {}

  /** Keeps nothing: a devnet that lives only as long as its process (tests, demos). */
  DevnetStore NONE =
      new DevnetStore() {
        @Override
        public Snapshot load() {
          return new Snapshot(List.of(), List.of(), List.of(), List.of(), List.of(), 0);
        }

        @Override
        public void saveAccepted(DevnetLedger.Accepted accepted) {}

        @Override
        public void saveMined(DevnetLedger.Mined mined) {}
      };
}
