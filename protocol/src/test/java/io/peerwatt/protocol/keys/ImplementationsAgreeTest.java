package io.peerwatt.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * libsecp256k1 and Bouncy Castle give the same bytes and the same answers: public keys, RFC 6979
 * signatures, verification of each other's signatures and of tampered ones, key parsing, and the
 * values no signature can have. Skipped, with the reason, where the native library does not load.
 */
@AddLifecycleHook(ImplementationsAgreeTest.SkipWithoutNativeLibrary.class)
class ImplementationsAgreeTest {
  private static final BigInteger N = Secp256k1.N;
  private static final BigInteger P = Secp256k1.DOMAIN.getCurve().getField().getCharacteristic();
  private static final Secp256k1Ecdsa BOUNCY_CASTLE =
      new BouncyCastleSecp256k1Ecdsa("compared in a test");

  @Property(tries = 500)
  void bothSignTheSameBytesAndVerifyEachOthersSignatures(
      @ForAll("secrets") byte[] secret,
      @ForAll @Size(32) byte[] hash,
      @ForAll @IntRange(max = 511) int flippedBit) {
    Secp256k1Ecdsa nativeLibrary = nativeLibrary();
    byte[] nativeKey = nativeLibrary.publicKey(secret);
    byte[] bcKey = BOUNCY_CASTLE.publicKey(secret);
    assertThat(nativeKey).isEqualTo(bcKey);

    byte[] nativeSignature = nativeLibrary.sign(hash, secret);
    byte[] bcSignature = BOUNCY_CASTLE.sign(hash, secret);
    assertThat(nativeSignature).isEqualTo(bcSignature);
    assertThat(EcdsaSignature.fromCompact(nativeSignature).isLowS()).isTrue();
    assertThat(BOUNCY_CASTLE.verify(hash, nativeSignature, nativeKey)).isTrue();
    assertThat(nativeLibrary.verify(hash, bcSignature, bcKey)).isTrue();

    byte[] otherHash = flip(hash, flippedBit % 256);
    assertThat(nativeLibrary.verify(otherHash, nativeSignature, nativeKey)).isFalse();
    assertThat(BOUNCY_CASTLE.verify(otherHash, bcSignature, bcKey)).isFalse();
    byte[] otherSignature = flip(nativeSignature, flippedBit);
    assertThat(nativeLibrary.verify(hash, otherSignature, nativeKey)).isFalse();
    assertThat(BOUNCY_CASTLE.verify(hash, otherSignature, bcKey)).isFalse();
    // the high-S twin satisfies the equation, but both refuse it: callers normalize where it is
    // allowed
    byte[] highS =
        compact(
            EcdsaSignature.fromCompact(nativeSignature).r(),
            N.subtract(EcdsaSignature.fromCompact(nativeSignature).s()));
    assertThat(nativeLibrary.verify(hash, highS, nativeKey)).isFalse();
    assertThat(BOUNCY_CASTLE.verify(hash, highS, bcKey)).isFalse();
  }

  @Property(tries = 300)
  void bothParseTheSameKeysAndRefuseTheSameOnes(@ForAll("encodings") byte[] encoded) {
    assertThat(nativeLibrary().parsePublicKey(encoded))
        .isEqualTo(BOUNCY_CASTLE.parsePublicKey(encoded));
  }

  @Example
  void keysAtTheEdgesOfTheFieldParseAlikeInBoth() {
    byte[] g = BOUNCY_CASTLE.publicKey(to32(BigInteger.ONE));
    List<byte[]> encodings =
        List.of(
            g,
            compressed(g),
            prefixed(0x02, to32(P)), // x = p
            prefixed(0x03, to32(P.add(BigInteger.ONE))), // x = p + 1, which is 1 mod p
            prefixed(0x02, to32(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))),
            prefixed(0x04, concat(Arrays.copyOfRange(g, 1, 33), to32(P))), // y = p
            prefixed(0x04, concat(to32(BigInteger.ZERO), to32(BigInteger.ZERO))),
            prefixed(
                0x04,
                concat(Arrays.copyOfRange(g, 1, 33), flip(Arrays.copyOfRange(g, 33, 65), 0))));
    for (byte[] e : encodings) {
      assertThat(nativeLibrary().parsePublicKey(e))
          .as(StrictHex.encode(e))
          .isEqualTo(BOUNCY_CASTLE.parsePublicKey(e));
    }
    assertThat(nativeLibrary().parsePublicKey(compressed(g))).isEqualTo(g);
    assertThat(nativeLibrary().parsePublicKey(prefixed(0x02, to32(P)))).isNull();
  }

  @Example
  void valuesOutsideTheRangeOfASignatureAreFalseInBothNeverAnException() {
    byte[] secret = to32(BigInteger.valueOf(20261206));
    byte[] hash = Hashes.sha256("edges".getBytes(StandardCharsets.US_ASCII));
    byte[] key = BOUNCY_CASTLE.publicKey(secret);
    EcdsaSignature good = EcdsaSignature.fromCompact(BOUNCY_CASTLE.sign(hash, secret));
    BigInteger[] edges = {
      BigInteger.ZERO,
      N,
      N.add(BigInteger.ONE),
      BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)
    };
    for (BigInteger edge : edges) {
      for (byte[] signature :
          List.of(compact(edge, good.s()), compact(good.r(), edge), compact(edge, edge))) {
        assertThat(nativeLibrary().verify(hash, signature, key))
            .as(StrictHex.encode(signature))
            .isFalse();
        assertThat(BOUNCY_CASTLE.verify(hash, signature, key))
            .as(StrictHex.encode(signature))
            .isFalse();
      }
    }
    byte[] offCurve = key.clone();
    offCurve[64] ^= 1;
    assertThat(nativeLibrary().verify(hash, good.toCompact(), offCurve)).isFalse();
    assertThat(BOUNCY_CASTLE.verify(hash, good.toCompact(), offCurve)).isFalse();
    assertThat(nativeLibrary().verify(hash, good.toCompact(), key)).isTrue();
  }

  @Example
  void theFirstPublishedVectorGivesTheSameDerInBoth() {
    byte[] hash = Hashes.sha256("Satoshi Nakamoto".getBytes(StandardCharsets.UTF_8));
    String expected =
        "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            + "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5";
    for (Secp256k1Ecdsa implementation : List.of(nativeLibrary(), BOUNCY_CASTLE)) {
      byte[] compact = implementation.sign(hash, to32(BigInteger.ONE));
      assertThat(StrictHex.encode(EcdsaSignature.fromCompact(compact).toDer()))
          .as(implementation.name())
          .isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<byte[]> secrets() {
    return Arbitraries.bigIntegers()
        .between(BigInteger.ONE, N.subtract(BigInteger.ONE))
        .edgeCases(edges -> edges.add(BigInteger.ONE, BigInteger.TWO, N.subtract(BigInteger.ONE)))
        .map(ImplementationsAgreeTest::to32);
  }

  /**
   * Valid keys in both forms, the same with one bit flipped (mostly off the curve), and random
   * bytes.
   */
  @Provide
  Arbitrary<byte[]> encodings() {
    Arbitrary<byte[]> keys = secrets().map(BOUNCY_CASTLE::publicKey);
    Arbitrary<byte[]> valid =
        Arbitraries.oneOf(keys, keys.map(ImplementationsAgreeTest::compressed));
    Arbitrary<byte[]> flipped =
        valid.flatMap(
            k -> Arbitraries.integers().between(8, k.length * 8 - 1).map(bit -> flip(k, bit)));
    Arbitrary<byte[]> random =
        Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofSize(32).map(x -> prefixed(0x02, x)),
            Arbitraries.bytes().array(byte[].class).ofSize(32).map(x -> prefixed(0x03, x)),
            Arbitraries.bytes().array(byte[].class).ofSize(64).map(xy -> prefixed(0x04, xy)));
    return Arbitraries.oneOf(valid, flipped, random);
  }

  /**
   * libsecp256k1, which this test compares with Bouncy Castle (the hook skips the class without
   * it).
   */
  private static Secp256k1Ecdsa nativeLibrary() {
    return Secp256k1Implementations.nativeLibrary().implementation();
  }

  /** Skips the class where libsecp256k1 does not load, saying why. */
  static final class SkipWithoutNativeLibrary implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      NativeSecp256k1Ecdsa.Loaded loaded = Secp256k1Implementations.nativeLibrary();
      return loaded.implementation() != null
          ? SkipResult.doNotSkip()
          : SkipResult.skip(
              "libsecp256k1 did not load: " + Secp256k1Implementations.describe(loaded.failure()));
    }
  }

  private static byte[] flip(byte[] bytes, int bit) {
    byte[] out = bytes.clone();
    out[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return out;
  }

  private static byte[] compact(BigInteger r, BigInteger s) {
    return concat(to32(r), to32(s));
  }

  private static byte[] to32(BigInteger v) {
    return Secp256k1.to32Bytes(v);
  }

  private static byte[] compressed(byte[] uncompressed) {
    byte[] out = Arrays.copyOf(uncompressed, 33);
    out[0] = (byte) (0x02 | (uncompressed[64] & 1));
    return out;
  }

  private static byte[] prefixed(int prefix, byte[] rest) {
    byte[] out = new byte[rest.length + 1];
    out[0] = (byte) prefix;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
