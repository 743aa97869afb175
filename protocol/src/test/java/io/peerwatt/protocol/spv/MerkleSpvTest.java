package io.peerwatt.protocol.spv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class MerkleSpvTest {
  static final String GENESIS =
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
  static final String BLOCK_1 =
      "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299";
  static final String BLOCK_2 =
      "010000004860eb18bf1b1620e37e9490fc8a427514416fd75159ab86688e9a8300000000d5fdcc541e25de1c7a5addedf24858b8bb665c9f36ef744ee42c316022c90f9bb0bc6649ffff001d08d2bd61";
  static final String BLOCK_100000 =
      "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710";
  static final List<String> BLOCK_100000_TXIDS =
      List.of(
          "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
          "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
          "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
          "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d");

  /** BRC-74's own example (current form, level 0 first), as in the reference SDK's test vectors. */
  static final String BRC74_EXAMPLE =
      "fe8a6a0c000c04fde80b0011774f01d26412f0d16ea3f0447be0b5ebec67b0782e321a7a01cbdf7f734e30fde90b02004e53753e3f"
          + "e4667073063a17987292cfdea278824e9888e52180581d7188d8fdea0b025e441996fc53f0191d649e68a200e752fb5f39e0d561"
          + "7083408fa179ddc5c998fdeb0b0102fdf405000671394f72237d08a4277f4435e5b6edf7adc272f25effef27cdfe805ce71a81fd"
          + "f50500262bccabec6c4af3ed00cc7a7414edea9c5efa92fb8623dd6160a001450a528201fdfb020101fd7c010093b3efca9b77dd"
          + "ec914f8effac691ecb54e2c81d0ab81cbc4c4b93befe418e8501bf01015e005881826eb6973c54003a02118fe270f03d46d02681"
          + "c8bc71cd44c613e86302f8012e00e07a2bb8bb75e5accff266022e1e5e6e7b4d6d943a04faadcf2ab4a22f796ff30116008120ca"
          + "fa17309c0bb0e0ffce835286b3a2dcae48e4497ae2d2b7ced4f051507d010a00502e59ac92f46543c23006bff855d96f5e648043"
          + "f0fb87a7a5949e6a9bebae430104001ccd9f8f64f4d0489b30cc815351cf425e0e78ad79a589350e4341ac165dbe450103010100"
          + "00af8764ce7e1cc132ab5ed2229a005c87201c9a5ee15c0f91dd53eff31ab30cd4";

  /** A valid BUMP from the reference TypeScript SDK's test vectors. */
  static final String SDK_VALID =
      "fed79f0c000c02fd3803029b490d9c8358ff11afaf45628417c9eb52c1a1fd404078a101b4f71dbba06aa9fd390300fe82f2768edc3d0c"
          + "fe4d06b7f390dcb0b7e61cca7f70117d83be0f023204d8ef01fd9d010060893ac65c8a8e6b9ef7ed5e05dc3bd25aa904812c09853c"
          + "5dbf423b58a75d0e01cf0012c3c76d9c332e4701b27bfe7013e7963b92d1851d59c56955b35aecabbc8bae0166000894384f86a5c4"
          + "d0d294f9b9441c3ee3d13afa094cca4515d32813b3fa4fdf3601320002aac507f74c9ff2676705eee1e70897a8baeecaf30c5f49bb"
          + "22a0c5ce5fda9a01180021f7e27a08d61245be893a238853d72340881cbd47e0a390895231fa1cc44db9010d004d7a12738a165477"
          + "7867182ee6f6efc4d692209badfa5ba9bb126d08da18ed880107004f8e96b4ee6154bd44b7709f3fb4041bf4426d5f5a5944083456"
          + "05e254af7cdd010200ec7d8b185bc7c096b9b88de6f63ab22baf738d5fc4cbc328f2e00644749acf520100007fd48b1d2b678907ba"
          + "045b07132003db8116468cd6a3d4764e0df4a644ea0a220101009bb8ffc1a6ed2ba80ea1b09ff797387115a7129d19e93c003a74e3"
          + "a20ed6ce590101001106e6ece3f70a16de42d0f87b459c71a2440201728bd8541334933726807921";

  /** The SDK's invalid vector "Invalid offset: 12, at height: 1, with legal offsets: 413". */
  static final String SDK_INVALID_OFFSET =
      "fed79f0c000c02fd3803029b490d9c8358ff11afaf45628417c9eb52c1a1fd404078a101b4f71dbba06aa9fd390300fe82f2768edc3d0c"
          + "fe4d06b7f390dcb0b7e61cca7f70117d83be0f023204d8ef02fd9d010060893ac65c8a8e6b9ef7ed5e05dc3bd25aa904812c09853c"
          + "5dbf423b58a75d0e0c009208390a7786e1626eff4ed1923b96e71370fe7bb201472e339c6dc7c31200cf01cf0012c3c76d9c332e47"
          + "01b27bfe7013e7963b92d1851d59c56955b35aecabbc8bae0166000894384f86a5c4d0d294f9b9441c3ee3d13afa094cca4515d328"
          + "13b3fa4fdf3601320002aac507f74c9ff2676705eee1e70897a8baeecaf30c5f49bb22a0c5ce5fda9a01180021f7e27a08d61245be"
          + "893a238853d72340881cbd47e0a390895231fa1cc44db9010d004d7a12738a1654777867182ee6f6efc4d692209badfa5ba9bb126d"
          + "08da18ed880107004f8e96b4ee6154bd44b7709f3fb4041bf4426d5f5a594408345605e254af7cdd010200ec7d8b185bc7c096b9b8"
          + "8de6f63ab22baf738d5fc4cbc328f2e00644749acf520100007fd48b1d2b678907ba045b07132003db8116468cd6a3d4764e0df4a6"
          + "44ea0a220101009bb8ffc1a6ed2ba80ea1b09ff797387115a7129d19e93c003a74e3a20ed6ce590101001106e6ece3f70a16de42d0"
          + "f87b459c71a2440201728bd8541334933726807921";

  @Test
  void block100000MerkleRootAndHeader() {
    List<byte[]> txids = BLOCK_100000_TXIDS.stream().map(BitcoinMerkle::fromDisplayHex).toList();
    byte[] root = BitcoinMerkle.root(txids);
    assertThat(BitcoinMerkle.toDisplayHex(root))
        .isEqualTo("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
    BlockHeader header = BlockHeader.parseHex(BLOCK_100000);
    assertThat(header.merkleRoot()).isEqualTo(root);
    assertThat(header.hashHex())
        .isEqualTo("000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506");
    assertThat(BitcoinMerkle.toDisplayHex(header.prevHash()))
        .isEqualTo("000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250");
    assertThat(header.bits()).isEqualTo(0x1b04864cL);
    assertThat(header.nonce()).isEqualTo(274148111L);
    assertThat(header.hasValidProofOfWork()).isTrue();
    assertThat(header.toHex()).isEqualTo(BLOCK_100000);

    // every txid's BUMP reaches the header's root
    for (int i = 0; i < txids.size(); i++) {
      Bump bump = Bump.fromBlock(100000, txids, Set.of(i));
      assertThat(bump.computeRoot(txids.get(i))).isEqualTo(root);
      assertThat(Bump.decode(bump.encode())).isEqualTo(bump);
    }
  }

  @Test
  void genesisChainAndProofOfWork() {
    BlockHeader genesis = BlockHeader.parseHex(GENESIS);
    BlockHeader one = BlockHeader.parseHex(BLOCK_1);
    BlockHeader two = BlockHeader.parseHex(BLOCK_2);
    assertThat(genesis.hashHex())
        .isEqualTo("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    assertThat(one.hashHex())
        .isEqualTo("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048");
    assertThat(genesis.target())
        .isEqualTo(
            new BigInteger("00000000ffff0000000000000000000000000000000000000000000000000000", 16));
    assertThat(genesis.hasValidProofOfWork()).isTrue();
    assertThat(one.follows(genesis)).isTrue();
    assertThat(two.follows(one)).isTrue();
    assertThat(two.follows(genesis)).isFalse();
    assertThat(genesis.work()).isEqualTo(BigInteger.valueOf(0x100010001L));
    // one nonce less, and the proof of work no longer holds
    BlockHeader altered =
        new BlockHeader(
            genesis.version(),
            genesis.prevHash(),
            genesis.merkleRoot(),
            genesis.time(),
            genesis.bits(),
            genesis.nonce() - 1);
    assertThat(altered.hasValidProofOfWork()).isFalse();
    assertThat(BlockHeader.targetOf(0x01803456L).signum()).isNegative(); // negative
    assertThat(BlockHeader.targetOf(0xff123456L).signum()).isNegative(); // overflow
    assertThat(BlockHeader.targetOf(0x04123456L)).isEqualTo(BigInteger.valueOf(0x12345600L));
    assertThat(BlockHeader.targetOf(0x01123456L)).isEqualTo(BigInteger.valueOf(0x12L));
    assertThatThrownBy(() -> BlockHeader.parse(new byte[79])).isInstanceOf(FormatException.class);
  }

  @Test
  void brc74ExampleComputesThePublishedRootForEachTxid() {
    Bump bump = Bump.decodeHex(BRC74_EXAMPLE);
    assertThat(bump.blockHeight()).isEqualTo(813706);
    assertThat(bump.levels()).hasSize(12);
    assertThat(bump.txids()).hasSize(2);
    for (String txid :
        List.of(
            "304e737fdfcb017a1a322e78b067ecebb5e07b44f0a36ed1f01264d2014f7711",
            "d888711d588021e588984e8278a2decf927298173a06737066e43f3e75534e00",
            "98c9c5dd79a18f40837061d5e0395ffb52e700a2689e641d19f053fc9619445e")) {
      assertThat(BitcoinMerkle.toDisplayHex(bump.computeRoot(BitcoinMerkle.fromDisplayHex(txid))))
          .isEqualTo("57aab6e6fb1b697174ffb64e062c4728f2ffd33ddcfa02a43b64d8cd29b483b4");
    }
    assertThat(bump.toHex()).isEqualTo(BRC74_EXAMPLE);
  }

  @Test
  void referenceSdkVectors() {
    Bump valid = Bump.decodeHex(SDK_VALID);
    assertThat(valid.toHex()).isEqualTo(SDK_VALID);
    assertThatThrownBy(() -> Bump.decodeHex(SDK_INVALID_OFFSET))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("invalid offset 12 at height 1");
    // the same level-1 leaf twice
    byte[] bytes = Hex.decode(SDK_VALID);
    assertThatThrownBy(() -> Bump.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Bump.decodeHex(SDK_VALID + "00")).hasMessageContaining("trailing");
  }

  @Test
  void tamperedHashesComputeAnotherRootOrFail() {
    Bump bump = Bump.decodeHex(BRC74_EXAMPLE);
    byte[] root = bump.computeRoot();
    byte[] bytes = Hex.decode(BRC74_EXAMPLE);
    bytes[bytes.length - 1] ^= 1; // the hash at the top level
    assertThat(Bump.decode(bytes).computeRoot()).isNotEqualTo(root);
  }

  @Property(tries = 150)
  void fromBlockRoundTripsAndReachesTheRoot(
      @ForAll @IntRange(min = 1, max = 40) int txCount, @ForAll("seeds") long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<byte[]> txids = new ArrayList<>();
    for (int i = 0; i < txCount; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      txids.add(t);
    }
    Set<Integer> chosen = new TreeSet<>();
    int picks = 1 + random.nextInt(Math.min(txCount, 5));
    while (chosen.size() < picks) {
      chosen.add(random.nextInt(txCount));
    }
    byte[] root = BitcoinMerkle.root(txids);
    Bump bump = Bump.fromBlock(random.nextInt(1_000_000), txids, chosen);
    Bump decoded = Bump.decode(bump.encode());
    assertThat(decoded).isEqualTo(bump);
    assertThat(decoded.txids()).hasSize(chosen.size());
    for (int i : chosen) {
      assertThat(decoded.computeRoot(txids.get(i))).isEqualTo(root);
    }
  }

  /**
   * extract(txid) of a BUMP made for several txids (or of a wide level 0 with empty upper levels)
   * is exactly the BUMP made for that txid alone: minimal, only that txid flagged, the same root.
   */
  @Property(tries = 150)
  void extractGivesTheSingleTxidBumpOfTheBlock(
      @ForAll @IntRange(min = 1, max = 40) int txCount, @ForAll("seeds") long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<byte[]> txids = new ArrayList<>();
    for (int i = 0; i < txCount; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      txids.add(t);
    }
    Set<Integer> chosen = new TreeSet<>();
    int picks = 1 + random.nextInt(Math.min(txCount, 5));
    while (chosen.size() < picks) {
      chosen.add(random.nextInt(txCount));
    }
    long height = random.nextInt(1_000_000);
    Bump compound = Bump.fromBlock(height, txids, chosen);
    Bump everyTx =
        Bump.fromBlock(
            height, txids, java.util.stream.IntStream.range(0, txCount).boxed().toList());
    for (int i : chosen) {
      Bump alone = Bump.fromBlock(height, txids, List.of(i));
      assertThat(compound.extract(txids.get(i)).encode()).isEqualTo(alone.encode());
      assertThat(everyTx.extract(txids.get(i)).encode()).isEqualTo(alone.encode());
      assertThat(alone.extract(txids.get(i))).isEqualTo(alone);
      assertThat(alone.txids()).hasSize(1);
    }
    byte[] stranger = new byte[32];
    random.nextBytes(stranger);
    assertThatThrownBy(() -> compound.extract(stranger))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("is not in the BUMP");
  }

  @Test
  void aWideLevelZeroWithEmptyUpperLevelsComputesTheRoot() {
    List<byte[]> txids = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 1 << 12; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      txids.add(t);
    }
    List<Bump.Leaf> level0 = new ArrayList<>();
    for (int i = 0; i < txids.size(); i++) {
      level0.add(Bump.Leaf.txid(i, txids.get(i)));
    }
    List<List<Bump.Leaf>> levels = new ArrayList<>();
    levels.add(level0);
    for (int h = 1; h < 12; h++) {
      levels.add(List.of());
    }
    Bump wide = new Bump(5, levels);
    assertThat(wide.computeRoot(txids.get(1234))).isEqualTo(BitcoinMerkle.root(txids));
    assertThat(Bump.decode(wide.encode())).isEqualTo(wide);
  }

  @Property(tries = 60)
  void mergedBumpsProveEveryTxidOfBoth(
      @ForAll @IntRange(min = 2, max = 40) int txCount, @ForAll("seeds") long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<byte[]> txids = new ArrayList<>();
    for (int i = 0; i < txCount; i++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      txids.add(t);
    }
    int a = random.nextInt(txCount);
    int b = random.nextInt(txCount);
    Bump merged = Bump.fromBlock(7, txids, Set.of(a)).merge(Bump.fromBlock(7, txids, Set.of(b)));
    byte[] root = BitcoinMerkle.root(txids);
    assertThat(merged.computeRoot(txids.get(a))).isEqualTo(root);
    assertThat(merged.computeRoot(txids.get(b))).isEqualTo(root);
    assertThat(Bump.decode(merged.encode())).isEqualTo(merged);
    assertThat(merged.txids()).hasSize(a == b ? 1 : 2);
    assertThatThrownBy(() -> merged.merge(Bump.fromBlock(8, txids, Set.of(a))))
        .isInstanceOf(FormatException.class);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }
}
