package io.peerwatt.settlement.wallet;

import java.util.Objects;

/**
 * A logged transaction and the block it was last seen mined in.
 *
 * @param logged the log entry
 * @param blockHeight height of that block; -1 while not seen mined (or after its block left the
 *     best chain)
 * @param blockHash display hex of that block; null with height -1
 */
public record WatchedTransaction(LoggedTransaction logged, long blockHeight, String blockHash) {
  public WatchedTransaction {
    Objects.requireNonNull(logged, "logged");
    if ((blockHeight >= 0) != (blockHash != null)) {
      throw new IllegalArgumentException("block height and hash go together");
    }
  }

  public boolean isMined() {
    return blockHeight >= 0;
  }

  public String txid() {
    return logged.transaction().txidHex();
  }
}
