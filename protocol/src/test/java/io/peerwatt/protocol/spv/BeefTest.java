package io.peerwatt.protocol.spv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class BeefTest {
  static Map<String, Object> vectors() {
    try (InputStream in = BeefTest.class.getResourceAsStream("beef-vectors.json")) {
      return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void assertProofsConsistent(Beef beef) {
    for (Beef.Tx tx : beef.transactions()) {
      if (tx.hasProof()) {
        Bump bump = beef.bumps().get(tx.bumpIndex());
        assertThat(bump.contains(tx.txid())).isTrue();
        assertThat(bump.computeRoot(tx.txid())).isEqualTo(bump.computeRoot());
      }
    }
    assertThat(beef.unanchored()).isEmpty();
  }

  @Test
  void sdkV1VectorRoundTrips() {
    String hex = (String) vectors().get("v1Hex");
    Beef beef = Beef.decodeHex(hex);
    assertThat(beef.version()).isEqualTo(Beef.V1);
    assertThat(beef.bumps()).hasSize(1);
    assertThat(beef.transactions()).hasSize(2);
    assertThat(beef.transactions().get(0).hasProof()).isTrue();
    assertThat(beef.transactions().get(1).hasProof()).isFalse();
    // the subject spends output 0 of the proven parent
    TxInput spend = beef.subject().transaction().inputs().get(0);
    assertThat(spend.prevTxid()).isEqualTo(beef.transactions().get(0).txid());
    assertThat(beef.sourceOutput(spend)).isNotNull();
    assertProofsConsistent(beef);
    assertThat(beef.toHex()).isEqualTo(hex);
  }

  @Test
  void sdkV1Base64VectorHasThePublishedSubject() {
    Map<String, Object> v = vectors();
    byte[] bytes = Base64.getDecoder().decode((String) v.get("v1Base64"));
    Beef beef = Beef.decode(bytes);
    assertThat(BitcoinMerkle.toDisplayHex(beef.subject().txid()))
        .isEqualTo(v.get("v1Base64SubjectTxid"));
    assertProofsConsistent(beef);
    assertThat(beef.encode()).isEqualTo(bytes);
  }

  @Test
  void sdkV2VectorRoundTrips() {
    String hex = (String) vectors().get("v2Hex");
    Beef beef = Beef.decodeHex(hex);
    assertThat(beef.version()).isEqualTo(Beef.V2);
    assertThat(beef.bumps()).hasSize(3);
    assertThat(beef.transactions()).hasSize(3);
    assertProofsConsistent(beef);
    assertThat(beef.toHex()).isEqualTo(hex);
  }

  @Test
  void atomicBeef() {
    String v1 = (String) vectors().get("v1Hex");
    Beef plain = Beef.decodeHex(v1);
    byte[] subject = plain.subject().txid();
    Beef atomic = Beef.decodeHex("01010101" + Hex.toHexString(subject) + v1);
    assertThat(atomic.isAtomic()).isTrue();
    assertThat(atomic.subject().txid()).isEqualTo(subject);
    assertThat(atomic.toHex()).isEqualTo("01010101" + Hex.toHexString(subject) + v1);
    // the parent as subject leaves the child unrelated
    byte[] parent = plain.transactions().get(0).txid();
    assertThatThrownBy(() -> Beef.decodeHex("01010101" + Hex.toHexString(parent) + v1))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("unrelated");
    assertThatThrownBy(() -> Beef.decodeHex("01010101" + "11".repeat(32) + v1))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("subject");
  }

  @Test
  void structuralErrors() {
    String v1 = (String) vectors().get("v1Hex");
    assertThatThrownBy(() -> Beef.decodeHex("0300beef" + v1.substring(8)))
        .hasMessageContaining("version");
    assertThatThrownBy(() -> Beef.decodeHex(v1 + "00")).hasMessageContaining("trailing");
    Beef beef = Beef.decodeHex(v1);
    // child first
    List<Beef.Tx> reversed = List.of(beef.transactions().get(1), beef.transactions().get(0));
    assertThatThrownBy(() -> Beef.v1(beef.bumps(), reversed))
        .hasMessageContaining("before its parent");
    // claimed by a BUMP that does not hold it
    List<Beef.Tx> wrongProof =
        List.of(beef.transactions().get(0), Beef.Tx.of(beef.subject().transaction(), 0));
    assertThatThrownBy(() -> Beef.v1(beef.bumps(), wrongProof))
        .hasMessageContaining("does not contain");
    assertThatThrownBy(
            () -> Beef.v1(beef.bumps(), List.of(Beef.Tx.of(beef.subject().transaction(), 3))))
        .hasMessageContaining("out of range");
    // the subject alone cannot be checked: its parent is missing
    assertThat(
            Beef.v1(List.of(), List.of(Beef.Tx.of(beef.subject().transaction(), null)))
                .unanchored())
        .hasSize(1);
  }

  static Transaction tx(Random random, byte[] prevTxid, long prevIndex) {
    byte[] unlocking = new byte[random.nextInt(80)];
    random.nextBytes(unlocking);
    byte[] locking = new byte[1 + random.nextInt(40)];
    random.nextBytes(locking);
    return new Transaction(
        1,
        List.of(new TxInput(prevTxid, prevIndex, unlocking, TxInput.SEQUENCE_FINAL)),
        List.of(new TxOutput(1000 + random.nextInt(100000), locking)),
        0);
  }

  @Property(tries = 60)
  void randomChainsRoundTrip(
      @ForAll @IntRange(min = 1, max = 6) int chainLength,
      @ForAll @IntRange(min = 1, max = 30) int blockSize,
      @ForAll long seed) {
    Random random = new Random(seed);
    byte[] funding = new byte[32];
    random.nextBytes(funding);
    Transaction root = tx(random, funding, 0);
    List<byte[]> block = new ArrayList<>();
    int position = random.nextInt(blockSize);
    for (int i = 0; i < blockSize; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      block.add(i == position ? root.txid() : t);
    }
    Bump bump = Bump.fromBlock(800_000 + random.nextInt(1000), block, Set.of(position));
    List<Beef.Tx> txs = new ArrayList<>();
    txs.add(Beef.Tx.of(root, 0));
    Transaction previous = root;
    for (int i = 1; i < chainLength; i++) {
      Transaction child = tx(random, previous.txid(), 0);
      txs.add(Beef.Tx.of(child, null));
      previous = child;
    }
    Beef v1 = Beef.v1(List.of(bump), txs);
    Beef decoded = Beef.decode(v1.encode());
    assertThat(decoded).isEqualTo(v1);
    assertThat(decoded.encode()).isEqualTo(v1.encode());
    assertProofsConsistent(decoded);
    Beef v2 = new Beef(Beef.V2, List.of(bump), txs, null);
    assertThat(Beef.decode(v2.encode()).encode()).isEqualTo(v2.encode());
    Beef atomic = new Beef(Beef.V1, List.of(bump), txs, previous.txid());
    assertThat(Beef.decode(atomic.encode()).subject().txid()).isEqualTo(previous.txid());
  }
}
