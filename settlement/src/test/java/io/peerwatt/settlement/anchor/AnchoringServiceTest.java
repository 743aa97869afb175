package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.AnchorPayload;
import io.peerwatt.protocol.anchor.BundleVerification;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AnchoringServiceTest {

  @Test
  void anchorsEachClosedSlotOnceChainingChangeAndStoresTheBumpWhenMined() {
    AnchorFixture f = new AnchorFixture(1);
    Random random = new Random(1);
    f.addSlot("DE-1", 0, 4, 2, 2, random);
    f.addSlot("DE-1", 1, 3, 1, 1, random);
    List<AnchorOutcome> first = f.service.anchorDueSlots(AnchorFixture.T0);
    assertThat(first)
        .extracting(AnchorOutcome::status)
        .containsExactly(AnchorOutcome.Status.ANCHORED, AnchorOutcome.Status.ANCHORED);
    // the second anchor spends the first one's unconfirmed change
    Transaction a = Transaction.parse(f.store.unmined().get(0).rawTx());
    Transaction b = Transaction.parse(f.store.unmined().get(1).rawTx());
    assertThat(b.inputs().get(0).prevTxid()).isEqualTo(a.txid());
    TxOutput anchorOutput = a.outputs().get(0);
    assertThat(anchorOutput.satoshis()).isZero();
    assertThat(AnchorPayload.fromLockingScript(anchorOutput.lockingScript()).leafCount())
        .isEqualTo(8);
    assertThat(f.service.anchorDueSlots(AnchorFixture.T0)).isEmpty();
    assertThat(f.service.bundle(AnchorItemKind.TRADE, ItemRef.trade(0)).state())
        .isEqualTo(ProofBundles.ProofState.NOT_MINED);

    f.devnet.mineBlocks(1);
    assertThat(f.service.confirmAnchors()).isEqualTo(2);
    assertThat(f.store.unmined()).isEmpty();
    assertThat(f.service.confirmAnchors()).isZero();

    // late data: a new statement version is anchored in a second anchor of the same slot
    AnchorSource.Slot slot = f.source.slots.keySet().iterator().next();
    f.source
        .slots
        .get(slot)
        .add(new AnchorItem(AnchorItemKind.STATEMENT, "9/DE-1/0/2", "v2".getBytes()));
    f.source.evidence.put("3:9/DE-1/0/2", new AnchorSource.Evidence("v2".getBytes(), null, null));
    assertThat(f.service.anchorDueSlots(AnchorFixture.T0))
        .as("late items gather for a while")
        .isEmpty();
    List<AnchorOutcome> late =
        f.service.anchorDueSlots(AnchorFixture.T0.plus(AnchoringService.LATE_BATCH));
    assertThat(late).singleElement().satisfies(o -> assertThat(o.leafCount()).isEqualTo(1));
    assertThat(f.store.anchorsFor(AnchoringService.slotKey(slot))).hasSize(2);
    f.devnet.mineBlocks(1);
    f.service.confirmAnchors();
    ProofBundle bundle = f.service.bundle(AnchorItemKind.STATEMENT, "9/DE-1/0/2").bundle();
    assertThat(ProofBundleVerifier.verify(bundle, f.trust()).verified()).isTrue();
  }

  @Test
  void aReadingBundleRevealsOnlyItsOwnReadingAndSaltAndVerifiesAllSteps() {
    AnchorFixture f = new AnchorFixture(2);
    List<AnchorItem> items = f.addSlot("DE-2", 3, 5, 1, 1, new Random(2));
    f.service.anchorDueSlots(AnchorFixture.T0);
    f.devnet.mineBlocks(1);
    f.service.confirmAnchors();
    ProofBundle bundle = f.service.bundle(AnchorItemKind.READING, items.get(2).ref()).bundle();
    BundleVerification v = ProofBundleVerifier.verify(bundle, f.trust());
    assertThat(v.verified()).as(v.toJson().toString()).isTrue();
    byte[] encoded = bundle.encode();
    for (int i = 0; i < items.size(); i++) {
      if (i != 2) {
        assertThat(indexOf(encoded, items.get(i).bytes())).as("item " + i + " leaks").isNegative();
        assertThat(
                indexOf(
                    encoded,
                    f.store
                        .leaf(items.get(i).kind(), items.get(i).ref())
                        .orElseThrow()
                        .leaf()
                        .salt()))
            .as("salt " + i + " leaks")
            .isNegative();
      }
    }
  }

  @Test
  void reportsAreAnchoredOnceAndProvable() {
    AnchorFixture f = new AnchorFixture(3);
    byte[] hash = io.peerwatt.protocol.Hashes.sha256("report".getBytes());
    AnchorOutcome first = f.service.anchorReport(hash, "2026-11-25T00:00Z/P1D", AnchorFixture.T0);
    AnchorOutcome again = f.service.anchorReport(hash, "2026-11-25T00:00Z/P1D", AnchorFixture.T0);
    assertThat(again.txid()).isEqualTo(first.txid());
    f.devnet.mineBlocks(1);
    f.service.confirmAnchors();
    ProofBundle bundle =
        f.service.bundle(AnchorItemKind.REPORT, java.util.HexFormat.of().formatHex(hash)).bundle();
    assertThat(ProofBundleVerifier.verify(bundle, f.trust()).verified()).isTrue();
  }

  @Test
  void enrolmentsAreAnchoredOncePerQuarterHourOfIssueAfterItEndedAndItsGrace() {
    AnchorFixture f = new AnchorFixture(5);
    Instant q0 = AnchorFixture.T0;
    AnchorItem first = f.issueCertificate(1, "MP-1", q0.plusSeconds(10));
    AnchorItem rotation =
        f.issueCertificate(2, "MP-1", q0.plus(Duration.ofMinutes(14)).plusMillis(59_999));
    AnchorItem next = f.issueCertificate(3, "MP-2", q0.plus(Duration.ofMinutes(15)));

    // the quarter-hour has ended, but not its grace
    assertThat(f.service.anchorDueEnrolments(q0.plus(Duration.ofMinutes(15)).plusSeconds(59)))
        .isEmpty();
    List<AnchorOutcome> due = f.service.anchorDueEnrolments(q0.plus(Duration.ofMinutes(16)));
    assertThat(due)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(AnchorOutcome.Status.ANCHORED);
              assertThat(o.anchorKey()).isEqualTo("enrolments:2026-11-25T10:00Z/PT15M");
              assertThat(o.leafCount()).isEqualTo(2);
            });
    AnchorRecord anchor = f.store.anchorsFor("enrolments:2026-11-25T10:00Z/PT15M").get(0);
    AnchorPayload payload =
        AnchorPayload.fromLockingScript(
            Transaction.parse(anchor.rawTx()).outputs().get(0).lockingScript());
    assertThat(payload.slotInterval()).isEqualTo("2026-11-25T10:00Z/PT15M");
    assertThat(payload.leafCount()).isEqualTo(2);
    assertThat(f.store.isAnchored(AnchorItemKind.ENROLMENT, next.ref())).isFalse();
    // anchored once: the same pass again anchors nothing
    assertThat(f.service.anchorDueEnrolments(q0.plus(Duration.ofMinutes(16)))).isEmpty();

    // an enrolment that committed late into an anchored quarter-hour, and the next quarter-hour
    AnchorItem late = f.issueCertificate(4, "MP-3", q0.plus(Duration.ofMinutes(5)));
    List<AnchorOutcome> later = f.service.anchorDueEnrolments(q0.plus(Duration.ofMinutes(31)));
    assertThat(later)
        .extracting(AnchorOutcome::anchorKey)
        .containsExactly(
            "enrolments:2026-11-25T10:00Z/PT15M", "enrolments:2026-11-25T10:15Z/PT15M");
    assertThat(later).extracting(AnchorOutcome::leafCount).containsExactly(1, 1);
    assertThat(f.store.anchorsFor("enrolments:2026-11-25T10:00Z/PT15M")).hasSize(2);

    assertThat(f.service.bundle(AnchorItemKind.ENROLMENT, first.ref()).state())
        .isEqualTo(ProofBundles.ProofState.NOT_MINED);
    f.devnet.mineBlocks(1);
    assertThat(f.service.confirmAnchors()).isEqualTo(3);
    for (AnchorItem item : List.of(first, rotation, next, late)) {
      ProofBundle bundle = f.service.bundle(AnchorItemKind.ENROLMENT, item.ref()).bundle();
      BundleVerification v = ProofBundleVerifier.verify(bundle, f.trust());
      assertThat(v.verified()).as(item.ref() + " " + v.firstFailure()).isTrue();
      assertThat(bundle.item()).isEqualTo(item.bytes());
      assertThat(bundle.certificate()).isNull();
      assertThat(v.result(BundleVerification.Step.CERTIFICATE).detail())
          .contains("serial " + item.ref());
    }
  }

  @Test
  void anUnfundedWalletIsAnOutcomeNotAnException() {
    AnchorFixture f = new AnchorFixture(4);
    f.addSlot("DE-4", 0, 1, 0, 0, new Random(4));
    f.wallet.pay(
        List.of(
            new TxOutput(
                1_000_000 - 15, io.peerwatt.protocol.bsv.Script.p2pkh(new byte[20]).bytes())),
        "drain");
    List<AnchorOutcome> outcomes = f.service.anchorDueSlots(AnchorFixture.T0);
    assertThat(outcomes)
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(AnchorOutcome.Status.NOT_FUNDED));
    assertThat(f.store.unmined()).isEmpty();
  }

  @Test
  void aSlotWhoseAnchorFailedIsAnchoredOnALaterPassThoughTheSourceReportsItNoMore() {
    AnchorFixture f = new AnchorFixture(5);
    f.source.reportsOnce = true;
    f.addSlot("DE-5", 0, 2, 1, 1, new Random(5));
    f.wallet.pay(
        List.of(
            new TxOutput(
                1_000_000 - 15, io.peerwatt.protocol.bsv.Script.p2pkh(new byte[20]).bytes())),
        "drain");
    assertThat(f.service.anchorDueSlots(AnchorFixture.T0))
        .extracting(AnchorOutcome::status)
        .containsExactly(AnchorOutcome.Status.NOT_FUNDED);
    assertThat(f.source.closedSlots(AnchorFixture.T0)).as("the source has moved on").isEmpty();

    f.wallet.receive(
        Transaction.parse(f.devnet.faucet(f.wallet.lockingScript(), 1_000_000).rawTx()),
        false,
        List.of(),
        "faucet");
    assertThat(f.service.anchorDueSlots(AnchorFixture.T0.plus(Duration.ofMinutes(1))))
        .extracting(AnchorOutcome::status)
        .containsExactly(AnchorOutcome.Status.ANCHORED);
    assertThat(f.service.anchorDueSlots(AnchorFixture.T0.plus(Duration.ofMinutes(2)))).isEmpty();
  }

  /** For random slots every leaf's bundle verifies, and any flipped bit of a bundle fails it. */
  @Property(tries = 6)
  void everyLeafVerifiesAndAnyFlippedBitFails(
      @ForAll @IntRange(min = 1, max = 3) int slots,
      @ForAll @IntRange(min = 1, max = 6) int readings,
      @ForAll @IntRange(min = 0, max = 3) int trades,
      @ForAll @IntRange(min = 0, max = 3) int statements,
      @ForAll long seed) {
    AnchorFixture f = new AnchorFixture(seed);
    Random random = new Random(seed);
    List<AnchorItem> all = new java.util.ArrayList<>();
    for (int s = 0; s < slots; s++) {
      all.addAll(f.addSlot("DE-P", s, readings, trades, statements, random));
    }
    f.service.anchorDueSlots(AnchorFixture.T0);
    f.devnet.mineBlocks(1);
    assertThat(f.service.confirmAnchors()).isEqualTo(slots);
    ProofBundleVerifier.Trust trust = f.trust();
    for (AnchorItem item : all) {
      ProofBundle bundle = f.service.bundle(item.kind(), item.ref()).bundle();
      BundleVerification v = ProofBundleVerifier.verify(bundle, trust);
      assertThat(v.verified()).as(item.ref() + " " + v.firstFailure()).isTrue();
      assertThat(ProofBundleVerifier.verifyJson(bundle.toJsonText(), trust).verified()).isTrue();
    }
    AnchorItem picked = all.get(random.nextInt(all.size()));
    ProofBundle sample = f.service.bundle(picked.kind(), picked.ref()).bundle();
    byte[] bytes = sample.encode();
    for (int n = 0; n < 40; n++) {
      int bit = random.nextInt(bytes.length * 8);
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      BundleVerification v = ProofBundleVerifier.verify(flipped, trust);
      assertThat(v.verified()).as("bit " + bit + " of " + bytes.length * 8).isFalse();
      assertThat(
              v.firstFailure()
                  .or(
                      () ->
                          v.steps().stream()
                              .filter(r -> r.status() == BundleVerification.Status.NOT_CHECKED)
                              .findFirst()))
          .isPresent();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
