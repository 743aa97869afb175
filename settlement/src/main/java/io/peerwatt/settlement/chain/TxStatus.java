package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.spv.Bump;
import java.util.Objects;

/**
 * Where a transaction is.
 *
 * @param txid display hex
 * @param state unknown, in the mempool, or mined
 * @param blockHash display hex of the block that holds it; null unless mined
 * @param blockHeight height of that block; -1 unless mined
 * @param bump the BRC-74 Merkle path to that block's root; null unless mined
 */
public record TxStatus(String txid, State state, String blockHash, long blockHeight, Bump bump) {

  /** Stable codes for storage. */
  public enum State {
    UNKNOWN(0),
    MEMPOOL(1),
    MINED(2);

    private final int code;

    State(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public TxStatus {
    Objects.requireNonNull(txid, "txid");
    Objects.requireNonNull(state, "state");
    if ((state == State.MINED) != (blockHash != null && bump != null && blockHeight >= 0)) {
      throw new IllegalArgumentException(
          "block hash, height and BUMP go with MINED and only with it");
    }
  }

  public static TxStatus unknown(String txid) {
    return new TxStatus(txid, State.UNKNOWN, null, -1, null);
  }

  public static TxStatus mempool(String txid) {
    return new TxStatus(txid, State.MEMPOOL, null, -1, null);
  }

  public static TxStatus mined(String txid, String blockHash, long blockHeight, Bump bump) {
    return new TxStatus(txid, State.MINED, blockHash, blockHeight, bump);
  }
}
