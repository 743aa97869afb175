package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.Bump;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The BUMP a bundle carries is the anchor transaction's own path, whatever BUMP the backend gave;
 * bundles are the same whether their anchor's tree was kept from an earlier proof or built again.
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

  @Test
  void bundlesAreTheSameFromAKeptTreeAsFromOneBuiltAgain() {
    AnchorFixture f = new AnchorFixture(7);
    Random random = new Random(7);
    List<AnchorItem> items = new ArrayList<>();
    for (int slot = 0; slot < 3; slot++) {
      items.addAll(f.addSlot("DE-P", slot, 5, 2, 1, random));
    }
    f.service.anchorDueSlots(AnchorFixture.T0);
    f.devnet.mineBlocks(1);
    assertThat(f.service.confirmAnchors()).isEqualTo(3);
    // every tree kept, against at most one (each proof of another slot's item builds its tree
    // again)
    ProofBundles keeping = new ProofBundles(f.store, f.source, AnchorFixture.PLATFORM);
    ProofBundles rebuilding = new ProofBundles(f.store, f.source, AnchorFixture.PLATFORM, 1);
    ProofBundleVerifier.Trust trust = f.trust();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < items.size(); i++) {
        // slots in turn, so that the one-tree bundles never find the tree they need
        AnchorItem item = items.get((i * 7 + round) % items.size());
        ProofBundle kept = keeping.bundle(item.kind(), item.ref()).bundle();
        ProofBundle rebuilt = rebuilding.bundle(item.kind(), item.ref()).bundle();
        assertThat(ProofBundleVerifier.verify(kept, trust).verified()).as(item.ref()).isTrue();
        assertThat(kept.encode()).isEqualTo(rebuilt.encode());
      }
    }
  }
}
