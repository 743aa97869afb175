package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.Bump;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The BUMP a bundle carries is the anchor transaction's own path, whatever BUMP the backend gave.
 */
class ProofBundlesTest {

  @Test
  void aBumpOfSeveralTxidsBecomesTheAnchorsOwnPath() {
    Random random = new Random(5);
    byte[] anchorRawTx = new byte[180];
    random.nextBytes(anchorRawTx);
    byte[] anchorTxid = Hashes.sha256d(anchorRawTx);
    List<byte[]> block = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      block.add(i == 6 ? anchorTxid : t);
    }
    Bump fromBackend = Bump.fromBlock(812_345, block, List.of(2, 6, 10)); // three txids flagged
    Bump own = Bump.decode(ProofBundles.ownPath(anchorRawTx, fromBackend.encode()));

    assertThat(own).isEqualTo(Bump.fromBlock(812_345, block, List.of(6)));
    assertThat(own.txids()).hasSize(1);
    assertThat(own.txids().get(0)).isEqualTo(anchorTxid);
    assertThat(own.computeRoot(anchorTxid)).isEqualTo(BitcoinMerkle.root(block));
    // a BUMP made for the anchor alone passes through unchanged
    assertThat(ProofBundles.ownPath(anchorRawTx, own.encode())).isEqualTo(own.encode());
  }
}
