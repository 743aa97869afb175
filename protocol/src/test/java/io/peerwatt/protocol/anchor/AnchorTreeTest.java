package io.peerwatt.protocol.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class AnchorTreeTest {
  /**
   * Certificate Transparency's RFC 6962 reference leaves and the roots of their first n (n = 1..8).
   */
  static final String[] CT_LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };

  static final String[] CT_ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };

  static byte[] ctLeafHash(String hex) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update((byte) 0);
    md.update(Hex.decode(hex));
    return md.digest();
  }

  @Test
  void certificateTransparencyRootsAndProofs() throws Exception {
    List<byte[]> leaves = new ArrayList<>();
    for (int n = 1; n <= 8; n++) {
      leaves.add(ctLeafHash(CT_LEAVES[n - 1]));
      assertThat(Hex.toHexString(AnchorTree.build(leaves).root()))
          .as("root of %d", n)
          .isEqualTo(CT_ROOTS[n - 1]);
    }
    AnchorTree tree = AnchorTree.build(leaves);
    // inclusion proofs published with the CT reference tests
    assertThat(tree.proof(0).siblings())
        .extracting(Hex::toHexString)
        .containsExactly(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertThat(tree.proof(5).siblings())
        .extracting(Hex::toHexString)
        .containsExactly(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertThat(tree.proof(5).verify(ctLeafHash("40414243"), tree.root())).isTrue();
  }

  /** RFC 6962 section 2.1 MTH, recursively, as the reference for the flat implementation. */
  static byte[] mth(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 1) {
      return leafHashes.get(0);
    }
    int k = Integer.highestOneBit(n - 1);
    return AnchorTree.nodeHash(mth(leafHashes.subList(0, k)), mth(leafHashes.subList(k, n)));
  }

  @Property(tries = 30)
  void matchesRecursiveRfc6962AndEveryProofVerifies(
      @ForAll @IntRange(min = 1, max = 130) int n, @ForAll long seed) {
    Random random = new Random(seed);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      leaves.add(AnchorTree.leafHash(AnchorItemKind.READING, salt, ("item " + i).getBytes()));
    }
    AnchorTree tree = AnchorTree.build(leaves);
    byte[] root = tree.root();
    assertThat(root).isEqualTo(mth(leaves));
    for (int i = 0; i < n; i++) {
      AnchorProof proof = tree.proof(i);
      assertThat(proof.verify(leaves.get(i), root)).isTrue();
      assertThat(AnchorProof.decode(proof.encode())).isEqualTo(proof);
      assertThat(AnchorProof.fromJson(Json.parseObject(Json.write(proof.toJson()))))
          .isEqualTo(proof);
      if (n > 1) {
        assertThat(proof.verify(leaves.get((i + 1) % n), root)).isFalse();
        AnchorProof wrongIndex = new AnchorProof((i + 1) % n, n, proof.siblings());
        assertThat(wrongIndex.verify(leaves.get(i), root)).isFalse();
      }
    }
  }

  @Test
  void leafDomainSeparation() {
    byte[] salt = new byte[32];
    byte[] item = {1, 2, 3};
    byte[] reading = AnchorTree.leafHash(AnchorItemKind.READING, salt, item);
    assertThat(reading).isNotEqualTo(AnchorTree.leafHash(AnchorItemKind.TRADE, salt, item));
    byte[] otherSalt = salt.clone();
    otherSalt[0] = 1;
    assertThat(reading).isNotEqualTo(AnchorTree.leafHash(AnchorItemKind.READING, otherSalt, item));
    // a two-leaf tree's root is a node hash: it can never equal a leaf hash of the same bytes
    AnchorTree two = AnchorTree.build(List.of(reading, reading));
    byte[] concat = new byte[64];
    System.arraycopy(reading, 0, concat, 0, 32);
    System.arraycopy(reading, 0, concat, 32, 32);
    assertThat(two.root()).isNotEqualTo(Hashes.sha256(new byte[] {0}, concat));
    assertThatThrownBy(() -> AnchorTree.build(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AnchorTree.leafHash(AnchorItemKind.READING, new byte[31], item))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncatedOrExtendedProofsFail() {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      leaves.add(Hashes.sha256(new byte[] {(byte) i}));
    }
    AnchorTree tree = AnchorTree.build(leaves);
    AnchorProof p = tree.proof(10);
    List<byte[]> shorter = p.siblings().subList(0, p.siblings().size() - 1);
    assertThat(new AnchorProof(10, 11, shorter).verify(leaves.get(10), tree.root())).isFalse();
    List<byte[]> longer = new ArrayList<>(p.siblings());
    longer.add(new byte[32]);
    assertThat(new AnchorProof(10, 11, longer).verify(leaves.get(10), tree.root())).isFalse();
    assertThat(new AnchorProof(10, 12, p.siblings()).verify(leaves.get(10), tree.root())).isFalse();
  }

  @Test
  void anchorPayloadScript() {
    byte[] root = Hashes.sha256("root".getBytes());
    AnchorPayload payload = AnchorPayload.of("2026-11-25T10:00Z/PT15M", 12345, root);
    assertThat(payload.slotStart()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(payload.slotDuration()).isEqualTo(Duration.ofMinutes(15));
    assertThat(payload.slotInterval()).isEqualTo("2026-11-25T10:00Z/PT15M");
    byte[] script = payload.lockingScript();
    assertThat(Hex.toHexString(Arrays.copyOf(script, 18)))
        .isEqualTo("006a0f" + Hex.toHexString("peerwatt-anchor".getBytes()));
    assertThat(script).hasSize(2 + 16 + 54);
    assertThat(Hex.toHexString(payload.body()))
        .isEqualTo(
            "01" + "000000006b06b1a0" + "00000384" + "0000000000003039" + Hex.toHexString(root));
    assertThat(AnchorPayload.fromLockingScript(script)).isEqualTo(payload);
    assertThat(AnchorPayload.fromPushes(payload.pushes())).isEqualTo(payload);
    // the same pushes written with PUSHDATA1 still parse
    ByteWriter w =
        new ByteWriter()
            .writeByte(0)
            .writeByte(0x6a)
            .writeByte(0x4c)
            .writeByte(15)
            .write("peerwatt-anchor".getBytes())
            .writeByte(0x4c)
            .writeByte(53)
            .write(payload.body());
    assertThat(AnchorPayload.fromLockingScript(w.toByteArray())).isEqualTo(payload);
    assertThat(AnchorPayload.isAnchorScript(new byte[] {0x6a})).isFalse();
    byte[] extra = Arrays.copyOf(script, script.length + 1);
    extra[script.length] = 0x51;
    assertThat(AnchorPayload.isAnchorScript(extra)).isFalse();
    assertThatThrownBy(() -> AnchorPayload.of("2026-11-25T10:00Z", 1, root))
        .isInstanceOf(FormatException.class);
  }
}
