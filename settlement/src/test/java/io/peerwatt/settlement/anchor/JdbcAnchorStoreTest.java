package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import java.util.List;
import java.util.Random;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class JdbcAnchorStoreTest {

  @Test
  void anchorsLeavesAndBumpsSurviveInTheDatabaseAndProveItems(DSLContext db) {
    AnchorFixture f = new AnchorFixture(11);
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchoringService service =
        new AnchoringService(
            f.source, store, f.wallet, f.devnet, AnchorFixture.PLATFORM, AnchorFixture.seeded(11));
    List<AnchorItem> items = f.addSlot("DE-JDBC-A", 40, 3, 2, 2, new Random(11));
    assertThat(service.anchorDueSlots(AnchorFixture.T0))
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(AnchorOutcome.Status.ANCHORED));
    assertThat(store.unmined()).hasSize(1);
    assertThat(store.isAnchored(AnchorItemKind.TRADE, items.get(3).ref())).isTrue();
    assertThat(service.anchorDueSlots(AnchorFixture.T0)).isEmpty();
    f.devnet.mineBlocks(1);
    assertThat(service.confirmAnchors()).isEqualTo(1);
    assertThat(store.unmined()).isEmpty();
    for (AnchorItem item : items) {
      ProofBundle bundle = service.bundle(item.kind(), item.ref()).bundle();
      assertThat(ProofBundleVerifier.verify(bundle, f.trust()).verified()).as(item.ref()).isTrue();
    }
    String txid =
        store.leaf(AnchorItemKind.READING, items.get(0).ref()).orElseThrow().anchor().txid();
    assertThat(store.anchorTxids(AnchorItemKind.READING, List.of(items.get(0).ref())))
        .containsValue(txid);
    assertThat(
            store.anchorsFor(
                "slot:DE-JDBC-A:" + f.source.slots.keySet().iterator().next().slotInterval()))
        .singleElement()
        .satisfies(a -> assertThat(a.isMined()).isTrue());
  }
}
