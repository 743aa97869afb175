package io.peerwatt.protocol.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.BundleVerification.Status;
import io.peerwatt.protocol.anchor.BundleVerification.Step;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.protocol.spv.HeaderChain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProofBundleTest {
  static final PrivateKey DEVICE =
      PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("PeerWatt test platform key".getBytes()));

  /** Non-trivial work (about 2^16 hashes per block), so an altered header fails proof of work. */
  static final long BITS = 0x1f00ffffL;

  static final long HEIGHT = 1000;

  /** A key the verifier does not trust. */
  static final PrivateKey OTHER =
      PrivateKey.fromBytes(Hashes.sha256("not the platform".getBytes()));

  /** The certificate of {@link #DEVICE}. */
  static final SignedDeviceCertificate CERTIFICATE =
      SignedDeviceCertificate.sign(
          new DeviceCertificate(
              1,
              7,
              DEVICE.publicKey(),
              "DE000111",
              "acct-1",
              "DE-TEST-1",
              Instant.parse("2026-11-01T00:00:00Z"),
              Instant.parse("2027-11-01T00:00:00Z"),
              PLATFORM.publicKey()),
          PLATFORM);

  static final Scenario S = Scenario.slot(new Random(7));
  static final Scenario E = Scenario.enrolments(new Random(11));

  /** Enrolment leaves of {@link #E}: two the platform issued, then two it did not. */
  static final int ISSUED = 0;

  static final int ROTATED = 1;
  static final int ISSUED_BY_OTHER_KEY = 2;
  static final int FORGED_SIGNATURE = 3;

  /**
   * One anchor mined in one block: its items with their salts, the tree, the transaction and the
   * headers.
   */
  static final class Scenario {
    final List<SignedReading> readings = new ArrayList<>();
    final List<byte[]> salts = new ArrayList<>();
    final List<AnchorItemKind> kinds = new ArrayList<>();
    final List<byte[]> items = new ArrayList<>();
    AnchorTree tree;
    Transaction anchorTx;
    Bump bump;
    BlockHeader parent;
    BlockHeader block;
    BlockHeader child;

    /** A delivery slot with six readings of one device and a trade. */
    static Scenario slot(Random random) {
      Scenario s = new Scenario();
      MeterReading previous = null;
      for (int i = 0; i < 6; i++) {
        MeterReading r =
            new MeterReading(
                1,
                DEVICE.publicKey(),
                0,
                i + 1,
                Instant.parse("2026-11-25T10:00:00Z").plusSeconds(5L * i),
                1_000 + 3L * i,
                200,
                1500 - 100 * i,
                230_000,
                EnumSet.noneOf(ReadingFlag.class),
                previous == null ? MeterReading.noPrevious() : previous.hash());
        s.readings.add(SignedReading.sign(r, DEVICE));
        s.add(random, AnchorItemKind.READING, r.encode());
        previous = r;
      }
      s.add(random, AnchorItemKind.TRADE, "trade 42: 1500 Wh at 12345 mct/kWh".getBytes());
      s.anchor(random, Instant.parse("2026-11-25T10:00:00Z"));
      return s;
    }

    /**
     * The quarter-hour in which {@link #CERTIFICATE} was issued, as the platform anchors it: that
     * certificate, a key rotation of the same metering point, and (so that only the certificate
     * step can tell) a certificate issued by another key and one claiming the platform as issuer
     * but signed by another key.
     */
    static Scenario enrolments(Random random) {
      Scenario s = new Scenario();
      Instant issued = CERTIFICATE.certificate().validFrom();
      PublicKey rotatedKey =
          PrivateKey.fromBytes(Hashes.sha256("rotated device".getBytes())).publicKey();
      DeviceCertificate rotation =
          new DeviceCertificate(
              1,
              8,
              rotatedKey,
              "DE000111",
              "acct-1",
              "DE-TEST-1",
              issued.plusSeconds(300),
              issued.plusSeconds(300).plus(Duration.ofDays(365)),
              PLATFORM.publicKey());
      DeviceCertificate byOther =
          new DeviceCertificate(
              1,
              9,
              rotatedKey,
              "DE000222",
              "acct-2",
              "DE-TEST-1",
              issued.plusSeconds(400),
              issued.plus(Duration.ofDays(365)),
              OTHER.publicKey());
      DeviceCertificate forged =
          new DeviceCertificate(
              1,
              10,
              rotatedKey,
              "DE000333",
              "acct-3",
              "DE-TEST-1",
              issued.plusSeconds(500),
              issued.plus(Duration.ofDays(365)),
              PLATFORM.publicKey());
      s.add(random, AnchorItemKind.ENROLMENT, CERTIFICATE.encode());
      s.add(
          random,
          AnchorItemKind.ENROLMENT,
          SignedDeviceCertificate.sign(rotation, PLATFORM).encode());
      s.add(
          random, AnchorItemKind.ENROLMENT, SignedDeviceCertificate.sign(byOther, OTHER).encode());
      s.add(
          random,
          AnchorItemKind.ENROLMENT,
          new SignedDeviceCertificate(forged, OTHER.signDer(forged.hash())).encode());
      s.anchor(random, issued);
      return s;
    }

    private void add(Random random, AnchorItemKind kind, byte[] item) {
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      salts.add(salt);
      kinds.add(kind);
      items.add(item);
    }

    /**
     * Builds the tree over the items, the anchor transaction for the quarter-hour at {@code start},
     * and mines it.
     */
    private void anchor(Random random, Instant start) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        leaves.add(AnchorTree.leafHash(kinds.get(i), salts.get(i), items.get(i)));
      }
      tree = AnchorTree.build(leaves);
      AnchorPayload payload =
          new AnchorPayload(1, start, Duration.ofMinutes(15), tree.size(), tree.root());
      byte[] funding = new byte[32];
      random.nextBytes(funding);
      anchorTx =
          new Transaction(
              1,
              List.of(new TxInput(funding, 1, new byte[] {0x51}, TxInput.SEQUENCE_FINAL)),
              List.of(
                  new TxOutput(0, payload.lockingScript()),
                  new TxOutput(
                      9000, DEVICE.publicKey().toAddress(Network.TESTNET).lockingScript())),
              0);
      List<byte[]> txids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        byte[] t = new byte[32];
        random.nextBytes(t);
        txids.add(i == 3 ? anchorTx.txid() : t);
      }
      bump = Bump.fromBlock(HEIGHT, txids, Set.of(3));
      byte[] genesisPrev = new byte[32];
      random.nextBytes(genesisPrev);
      parent = mine(genesisPrev, Hashes.sha256("parent".getBytes()), 1795600000L);
      block = mine(parent.hash(), BitcoinMerkle.root(txids), 1795600900L);
      child = mine(block.hash(), Hashes.sha256("child".getBytes()), 1795601500L);
    }

    static BlockHeader mine(byte[] prev, byte[] merkleRoot, long time) {
      for (long nonce = 0; ; nonce++) {
        BlockHeader h = new BlockHeader(0x20000000, prev, merkleRoot, time, BITS, nonce);
        if (h.hasValidProofOfWork()) {
          return h;
        }
      }
    }

    ProofBundle readingBundle(int i) {
      return ProofBundle.forReading(
          readings.get(i),
          CERTIFICATE,
          salts.get(i),
          tree.proof(i),
          anchorTx,
          bump,
          List.of(block, child));
    }

    /** Enrolment {@code i} as the platform serves it: with its signature over SHA-256(item). */
    ProofBundle enrolmentBundle(int i) {
      return new ProofBundle(
          AnchorItemKind.ENROLMENT,
          items.get(i),
          PLATFORM.signDer(Hashes.sha256(items.get(i))),
          null,
          salts.get(i),
          tree.proof(i),
          anchorTx.serialize(),
          bump.encode(),
          List.of(block.serialize(), child.serialize()));
    }

    HeaderChain chain() {
      return new HeaderChain(HEIGHT - 1, List.of(parent, block, child));
    }
  }

  static ProofBundleVerifier.Trust trust() {
    return new ProofBundleVerifier.Trust(PLATFORM.publicKey(), S.chain());
  }

  @Test
  void aGoodReadingBundlePassesEveryStep() {
    BundleVerification v = ProofBundleVerifier.verify(S.readingBundle(2), trust());
    assertThat(v.steps())
        .extracting(BundleVerification.StepResult::status)
        .containsOnly(Status.PASS);
    assertThat(v.steps()).hasSize(Step.values().length);
    assertThat(v.verified()).isTrue();
    assertThat(v.result(Step.HEADER_CHAIN).detail()).contains("height 1000", "2 confirmation(s)");
    assertThat(v.result(Step.ROOT_IN_ANCHOR_TX).detail())
        .contains("2026-11-25T10:00Z/PT15M", "7 leaves");
    assertThat(Json.write(v.toJson()))
        .startsWith("{\"verified\":true,\"steps\":[{\"step\":\"bundleFormat\"");
  }

  static ProofBundle tradeBundle() {
    int i = S.items.size() - 1;
    byte[] item = S.items.get(i);
    return new ProofBundle(
        AnchorItemKind.TRADE,
        item,
        PLATFORM.signDer(Hashes.sha256(item)),
        null,
        S.salts.get(i),
        S.tree.proof(i),
        S.anchorTx.serialize(),
        S.bump.encode(),
        List.of(S.block.serialize()));
  }

  @Property(tries = 100)
  void anySingleFlippedBitOfATradeBundleFails(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int bitChoice) {
    byte[] bytes = tradeBundle().encode();
    assertThat(ProofBundleVerifier.verify(bytes, trust()).verified()).isTrue();
    int bit = bitChoice % (bytes.length * 8);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(ProofBundleVerifier.verify(bytes, trust()).verified()).as("bit %d", bit).isFalse();
  }

  @Test
  void aTradeBundleSignedByThePlatform() {
    int i = S.items.size() - 1;
    byte[] item = S.items.get(i);
    ProofBundle trade = tradeBundle();
    BundleVerification v = ProofBundleVerifier.verify(trade, trust());
    assertThat(v.verified()).isTrue();
    assertThat(v.result(Step.CERTIFICATE).status()).isEqualTo(Status.NOT_APPLICABLE);
    assertThat(v.result(Step.DEVICE_SIGNATURE).status()).isEqualTo(Status.PASS);
    // claiming the trade is a reading changes the leaf and breaks decoding of the item
    ProofBundle asReading =
        new ProofBundle(
            AnchorItemKind.READING,
            item,
            null,
            null,
            S.salts.get(i),
            S.tree.proof(i),
            S.anchorTx.serialize(),
            S.bump.encode(),
            List.of(S.block.serialize()));
    BundleVerification w = ProofBundleVerifier.verify(asReading, trust());
    assertThat(w.result(Step.BUNDLE_FORMAT).status()).isEqualTo(Status.FAIL);
    assertThat(w.result(Step.LEAF_TO_ANCHOR_ROOT).status()).isEqualTo(Status.PASS);
    assertThat(w.result(Step.ROOT_IN_ANCHOR_TX).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void eachKindOfDamageIsNamed() {
    ProofBundle good = S.readingBundle(4);
    // an untrusted platform key
    BundleVerification v =
        ProofBundleVerifier.verify(
            good, new ProofBundleVerifier.Trust(DEVICE.publicKey(), S.chain()));
    assertThat(v.firstFailure().orElseThrow().step()).isEqualTo(Step.CERTIFICATE);
    assertThat(v.firstFailure().orElseThrow().detail()).contains("UNTRUSTED_ISSUER");
    // another reading's signature
    ProofBundle swappedSig =
        new ProofBundle(
            good.kind(),
            good.item(),
            S.readings.get(3).signature(),
            good.certificate(),
            good.salt(),
            good.proof(),
            good.anchorTx(),
            good.bump(),
            good.headers());
    assertThat(ProofBundleVerifier.verify(swappedSig, trust()).firstFailure().orElseThrow().step())
        .isEqualTo(Step.DEVICE_SIGNATURE);
    // the proof of another leaf
    ProofBundle wrongPath =
        new ProofBundle(
            good.kind(),
            good.item(),
            good.signature(),
            good.certificate(),
            good.salt(),
            S.tree.proof(3),
            good.anchorTx(),
            good.bump(),
            good.headers());
    assertThat(ProofBundleVerifier.verify(wrongPath, trust()).firstFailure().orElseThrow().step())
        .isEqualTo(Step.ROOT_IN_ANCHOR_TX);
    // a header chain that does not hold the block
    BundleVerification noBlock =
        ProofBundleVerifier.verify(
            good,
            new ProofBundleVerifier.Trust(
                PLATFORM.publicKey(), new HeaderChain(HEIGHT - 1, List.of(S.parent))));
    assertThat(noBlock.firstFailure().orElseThrow().step()).isEqualTo(Step.HEADER_CHAIN);
    // the block at another height than the BUMP says
    BundleVerification shifted =
        ProofBundleVerifier.verify(
            good,
            new ProofBundleVerifier.Trust(
                PLATFORM.publicKey(), new HeaderChain(HEIGHT, List.of(S.parent, S.block))));
    assertThat(shifted.firstFailure().orElseThrow().detail()).contains("BUMP says 1000");
    // a chain that is not linked
    BundleVerification unlinked =
        ProofBundleVerifier.verify(
            good,
            new ProofBundleVerifier.Trust(
                PLATFORM.publicKey(), new HeaderChain(HEIGHT, List.of(S.block, S.parent))));
    assertThat(unlinked.firstFailure().orElseThrow().detail()).contains("not sound");
    // no trust anchors: nothing fails, but the bundle is not verified
    BundleVerification untrusted =
        ProofBundleVerifier.verify(good, new ProofBundleVerifier.Trust(null, null));
    assertThat(untrusted.firstFailure()).isEmpty();
    assertThat(untrusted.verified()).isFalse();
    assertThat(untrusted.result(Step.HEADER_CHAIN).status()).isEqualTo(Status.NOT_CHECKED);
    // garbage
    assertThat(
            ProofBundleVerifier.verify(new byte[] {1, 2, 3}, trust())
                .firstFailure()
                .orElseThrow()
                .step())
        .isEqualTo(Step.BUNDLE_FORMAT);
    assertThat(
            ProofBundleVerifier.verifyJson("{\"format\":1}", trust())
                .firstFailure()
                .orElseThrow()
                .step())
        .isEqualTo(Step.BUNDLE_FORMAT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"proof-bundle-example.json", "proof-bundle-enrolment-example.json"})
  void frozenExampleBundleVerifiesAndItsTwoFormsAgree(String example) throws Exception {
    String text;
    try (var in = ProofBundleTest.class.getResourceAsStream(example)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    var root = Json.parseObject(text);
    var chainJson = Json.object(root, "headerChain");
    List<BlockHeader> headers = new ArrayList<>();
    for (Object h : Json.array(chainJson, "headers")) {
      headers.add(BlockHeader.parseHex((String) h));
    }
    var trust =
        new ProofBundleVerifier.Trust(
            PublicKey.fromHex(Json.string(root, "platformKey")),
            new HeaderChain(Json.integer(chainJson, "startHeight"), headers));
    ProofBundle fromJson = ProofBundle.fromJson(Json.object(root, "bundle"));
    byte[] binary = org.bouncycastle.util.encoders.Hex.decode(Json.string(root, "bundleBinary"));
    assertThat(fromJson.encode()).isEqualTo(binary);
    assertThat(ProofBundleVerifier.verify(binary, trust).verified()).isTrue();
    assertThat(Json.write(ProofBundle.decode(binary).toJson()))
        .isEqualTo(Json.write(Json.object(root, "bundle")));
  }

  /**
   * Bundle {@code choice}: readings 0..5 of {@link #S}, then the two issued enrolments of {@link
   * #E}.
   */
  static ProofBundle anyBundle(int choice) {
    return choice < 6 ? S.readingBundle(choice) : E.enrolmentBundle(choice == 6 ? ISSUED : ROTATED);
  }

  static ProofBundleVerifier.Trust trustFor(int choice) {
    return new ProofBundleVerifier.Trust(PLATFORM.publicKey(), choice < 6 ? S.chain() : E.chain());
  }

  @Property(tries = 16)
  void binaryAndJsonFormsRoundTrip(@ForAll @IntRange(min = 0, max = 7) int choice) {
    ProofBundle b = anyBundle(choice);
    assertThat(ProofBundle.decode(b.encode())).isEqualTo(b);
    String json = b.toJsonText();
    assertThat(ProofBundle.fromJsonText(json)).isEqualTo(b);
    assertThat(ProofBundleVerifier.verifyJson(json, trustFor(choice)).verified()).isTrue();
  }

  @Property(tries = 300)
  void anySingleFlippedBitFailsVerification(
      @ForAll @IntRange(min = 0, max = 7) int choice,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int bitChoice) {
    byte[] bytes = anyBundle(choice).encode();
    int bit = bitChoice % (bytes.length * 8);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(ProofBundleVerifier.verify(bytes, trustFor(choice)).verified())
        .as("bundle %d, bit %d of %d", choice, bit, bytes.length * 8)
        .isFalse();
  }

  /**
   * The BUMP's txid flags (BRC-74 0x02) are part of what verifies: a bundle whose BUMP no longer
   * flags the anchor txid, or also flags its sibling, fails at txInBlock. These are the only two
   * bits the flipped-bit property used to find still verifying (e.g. bundle 7, bit 4377: the anchor
   * txid's flag).
   */
  @Test
  void theBumpMustFlagExactlyTheAnchorTxid() {
    for (int choice = 0; choice < 8; choice++) {
      ProofBundle bundle = anyBundle(choice);
      byte[] bytes = bundle.encode();
      int bumpAt = indexOf(bytes, bundle.bump());
      List<Integer> flagBytes = levelZeroFlagPositions(bundle.bump());
      assertThat(flagBytes).as("level 0: the anchor txid and its sibling").hasSize(2);
      assertThat(ProofBundleVerifier.verify(bytes, trustFor(choice)).verified()).isTrue();
      for (int at : flagBytes) {
        byte[] flipped = bytes.clone();
        flipped[bumpAt + at] ^= Bump.FLAG_TXID;
        BundleVerification v = ProofBundleVerifier.verify(flipped, trustFor(choice));
        assertThat(v.verified()).as("bundle %d, BUMP flags byte %d", choice, at).isFalse();
        assertThat(v.firstFailure().orElseThrow().step()).isEqualTo(Step.TX_IN_BLOCK);
        assertThat(v.firstFailure().orElseThrow().detail())
            .contains("must flag exactly the anchor txid");
      }
    }
    byte[] sample = anyBundle(7).encode();
    sample[4377 / 8] ^= (byte) (1 << (4377 % 8));
    assertThat(ProofBundleVerifier.verify(sample, trustFor(7)).verified()).isFalse();
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
    throw new AssertionError("not found");
  }

  /** Positions of the flags bytes of a BUMP's level-0 leaves. */
  private static List<Integer> levelZeroFlagPositions(byte[] bump) {
    ByteReader in = new ByteReader(bump);
    in.readVarInt("height");
    in.readByte("tree height");
    long count = in.readVarInt("count");
    List<Integer> out = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      in.readVarInt("offset");
      out.add(in.position());
      int flags = in.readByte("flags");
      if ((flags & Bump.FLAG_DUPLICATE) == 0) {
        in.readBytes(32, "hash");
      }
    }
    return out;
  }

  @Test
  void anEnrolmentBundleProvesTheCertificateThePlatformIssued() {
    ProofBundleVerifier.Trust trust = trustFor(6);
    ProofBundle bundle = E.enrolmentBundle(ISSUED);
    BundleVerification v = ProofBundleVerifier.verify(bundle, trust);
    assertThat(v.steps())
        .extracting(BundleVerification.StepResult::status)
        .containsOnly(Status.PASS);
    assertThat(v.verified()).isTrue();
    assertThat(v.result(Step.BUNDLE_FORMAT).detail()).startsWith("enrolment bundle decodes");
    assertThat(v.result(Step.CERTIFICATE).detail())
        .contains("serial 7", DEVICE.publicKey().hex(), "DE000111", "acct-1", "DE-TEST-1");
    assertThat(v.result(Step.ROOT_IN_ANCHOR_TX).detail())
        .contains("2026-11-01T00:00Z/PT15M", "4 leaves");
    assertThat(bundle.toJson())
        .containsEntry("kind", "enrolment")
        .doesNotContainKeys("certificate", "reading");
    assertThat(bundle.encode()[5]).isEqualTo((byte) 0x05);

    // without the platform's signature over the item the certificate's own signature still proves
    // it
    ProofBundle unsigned =
        new ProofBundle(
            bundle.kind(),
            bundle.item(),
            null,
            null,
            bundle.salt(),
            bundle.proof(),
            bundle.anchorTx(),
            bundle.bump(),
            bundle.headers());
    BundleVerification u = ProofBundleVerifier.verify(unsigned, trust);
    assertThat(u.result(Step.DEVICE_SIGNATURE).status()).isEqualTo(Status.NOT_APPLICABLE);
    assertThat(u.verified()).isTrue();
    assertThat(ProofBundleVerifier.verify(E.enrolmentBundle(ROTATED), trust).verified()).isTrue();
  }

  @Test
  void aCertificateNotSignedByThePlatformKeyFailsAtTheCertificateStepOnly() {
    ProofBundleVerifier.Trust trust = trustFor(6);
    BundleVerification byOther =
        ProofBundleVerifier.verify(E.enrolmentBundle(ISSUED_BY_OTHER_KEY), trust);
    assertThat(byOther.firstFailure().orElseThrow().step()).isEqualTo(Step.CERTIFICATE);
    assertThat(byOther.firstFailure().orElseThrow().detail()).contains("UNTRUSTED_ISSUER");
    assertThat(byOther.steps()).filteredOn(r -> r.status() == Status.FAIL).hasSize(1);
    BundleVerification forged =
        ProofBundleVerifier.verify(E.enrolmentBundle(FORGED_SIGNATURE), trust);
    assertThat(forged.firstFailure().orElseThrow().step()).isEqualTo(Step.CERTIFICATE);
    assertThat(forged.firstFailure().orElseThrow().detail()).contains("BAD_SIGNATURE");
    assertThat(forged.steps()).filteredOn(r -> r.status() == Status.FAIL).hasSize(1);
    // a verifier trusting another platform key refuses the platform's own certificate
    BundleVerification untrusted =
        ProofBundleVerifier.verify(
            new ProofBundle(
                AnchorItemKind.ENROLMENT,
                E.items.get(ISSUED),
                null,
                null,
                E.salts.get(ISSUED),
                E.tree.proof(ISSUED),
                E.anchorTx.serialize(),
                E.bump.encode(),
                List.of(E.block.serialize())),
            new ProofBundleVerifier.Trust(OTHER.publicKey(), E.chain()));
    assertThat(untrusted.firstFailure().orElseThrow().step()).isEqualTo(Step.CERTIFICATE);
    // no platform key: nothing fails, but nothing proves who issued it
    BundleVerification noKey =
        ProofBundleVerifier.verify(
            E.enrolmentBundle(ISSUED), new ProofBundleVerifier.Trust(null, E.chain()));
    assertThat(noKey.result(Step.CERTIFICATE).status()).isEqualTo(Status.NOT_CHECKED);
    assertThat(noKey.verified()).isFalse();
  }

  @Test
  void anEnrolmentItemMustBeACertificateAndCarriesNoSeparateOne() {
    ProofBundle good = E.enrolmentBundle(ISSUED);
    // the trade of the slot scenario claimed as an enrolment: not a certificate
    int t = S.items.size() - 1;
    ProofBundle notACertificate =
        new ProofBundle(
            AnchorItemKind.ENROLMENT,
            S.items.get(t),
            null,
            null,
            S.salts.get(t),
            S.tree.proof(t),
            S.anchorTx.serialize(),
            S.bump.encode(),
            List.of(S.block.serialize()));
    BundleVerification v = ProofBundleVerifier.verify(notACertificate, trust());
    assertThat(v.firstFailure().orElseThrow().step()).isEqualTo(Step.BUNDLE_FORMAT);
    assertThat(v.result(Step.CERTIFICATE).status()).isEqualTo(Status.NOT_CHECKED);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new ProofBundle(
                    AnchorItemKind.ENROLMENT,
                    good.item(),
                    good.signature(),
                    CERTIFICATE,
                    good.salt(),
                    good.proof(),
                    good.anchorTx(),
                    good.bump(),
                    good.headers()))
        .isInstanceOf(IllegalArgumentException.class);
    var json = good.toJson();
    json.put("certificate", CERTIFICATE.toJson());
    assertThat(
            ProofBundleVerifier.verifyJson(Json.write(json), trustFor(6))
                .firstFailure()
                .orElseThrow()
                .detail())
        .contains("only reading bundles carry a device certificate");
    // the certificate flag set in the binary form
    byte[] bytes = good.encode();
    assertThat(good.item().length).isLessThan(0xfd); // so its length is a one-byte varint
    int flags = 4 + 1 + 1 + 1 + good.item().length;
    assertThat(bytes[flags]).isEqualTo((byte) 0x01);
    bytes[flags] = 0x03;
    assertThat(ProofBundleVerifier.verify(bytes, trustFor(6)).firstFailure().orElseThrow().step())
        .isEqualTo(Step.BUNDLE_FORMAT);
  }
}
