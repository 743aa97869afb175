package io.peerwatt.settlement.devnet;

import io.peerwatt.settlement.chain.ChainHeader;
import java.util.List;

/**
 * A mined devnet block: header and txids (internal order, coinbase first).
 *
 * @param header the block header at its height
 * @param txids the block's transactions in order
 */
record DevnetBlock(ChainHeader header, List<byte[]> txids) {
  DevnetBlock {
    txids = txids.stream().map(byte[]::clone).toList();
  }
}
