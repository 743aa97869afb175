package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import java.util.Random;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stored anchor proof after a reorg, in PostgreSQL (a database of its own: its chain is its own
 * devnet).
 */
@ExtendWith(PostgresExtension.class)
class JdbcAnchorStoreReorgTest {

  @Test
  void aStoredProofIsReplacedOrForgottenWhenItsBlockLeavesTheBestChain(DSLContext db) {
    AnchorFixture f = new AnchorFixture(12);
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchoringService service =
        new AnchoringService(
            f.source, store, f.wallet, f.devnet, AnchorFixture.PLATFORM, AnchorFixture.seeded(12));
    f.addSlot("DE-JDBC-B", 41, 2, 1, 1, new Random(12));
    String txid = service.anchorDueSlots(AnchorFixture.T0).get(0).txid();
    long height = f.devnet.mineBlocks(1).get(0).height();
    assertThat(service.confirmAnchors()).isEqualTo(1);
    assertThat(store.minedSince(height)).extracting(AnchorRecord::txid).contains(txid);
    assertThat(store.minedSince(height + 1)).extracting(AnchorRecord::txid).doesNotContain(txid);

    byte[] otherHeader = f.devnet.header(0).orElseThrow().header();
    AnchorRecord mined =
        store.minedSince(height).stream()
            .filter(a -> a.txid().equals(txid))
            .findFirst()
            .orElseThrow();
    store.markMined(txid, height + 1, mined.bump(), otherHeader);
    assertThat(store.minedSince(height + 1))
        .filteredOn(a -> a.txid().equals(txid))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.blockHeight()).isEqualTo(height + 1);
              assertThat(a.header()).isEqualTo(otherHeader);
            });
    // the stored block is not the chain's block at that height: the proof goes back to the chain's
    // block
    assertThat(service.confirmAnchors()).isEqualTo(1);
    assertThat(store.minedSince(0))
        .filteredOn(a -> a.txid().equals(txid))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.blockHeight()).isEqualTo(height);
              assertThat(a.header()).isEqualTo(f.devnet.header(height).orElseThrow().header());
            });
    store.markUnmined(txid);
    assertThat(store.unmined()).extracting(AnchorRecord::txid).containsExactly(txid);
    assertThat(store.minedSince(0)).extracting(AnchorRecord::txid).doesNotContain(txid);
    assertThat(service.confirmAnchors()).isEqualTo(1); // the devnet still has it: mined again
    assertThat(store.unmined()).isEmpty();
  }
}
