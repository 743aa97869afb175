package io.peerwatt.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.ScriptTestsVectorTest;
import io.peerwatt.protocol.bsv.TxVectorsTest;
import io.peerwatt.protocol.encoding.StrictHex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * The windowed verifier gives Bouncy Castle's answer on every input: signatures made by PrivateKey
 * (valid and tampered), random and boundary (r, s), keys that are multiples of G (so table points meet
 * and cancel), an R whose x coordinate is at least n, and the node's vectors with every key on its table.
 */
class Secp256k1WindowsTest {
  private static final BigInteger N = Secp256k1.N;
  private final Random random = new Random(20261202);

  @Test
  void tablePointsAreTheMultiplesBouncyCastleComputes() {
    ECPoint q = key(BigInteger.valueOf(123456789)).publicKey().pointForTests();
    Secp256k1Windows.Table t = Secp256k1Windows.table(q, Secp256k1Windows.KEY_WIDTH);
    assertThat(t.windows).isEqualTo(52);
    assertThat(t.sizeBytes()).isEqualTo(52L * 16 * 64);
    for (int window : new int[] {0, 1, 25, 51}) {
      for (int digit : new int[] {1, 2, 3, 15, 16}) {
        ECPoint expected = q.multiply(BigInteger.valueOf(digit).shiftLeft(window * t.width)).normalize();
        int offset = (window * t.perWindow + digit - 1) * 16;
        assertThat(word8(t.points, offset)).as("x of %d * 2^(5*%d) Q", digit, window)
            .isEqualTo(expected.getAffineXCoord().toBigInteger());
        assertThat(word8(t.points, offset + 8)).isEqualTo(expected.getAffineYCoord().toBigInteger());
      }
    }
  }

  @Test
  void signaturesOfPrivateKeyVerifyAndTamperedOnesDoNot() {
    for (int i = 0; i < 150; i++) {
      PrivateKey k = key(new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE));
      Secp256k1Windows.Table table = Secp256k1Windows.table(k.publicKey().pointForTests(), Secp256k1Windows.KEY_WIDTH);
      byte[] hash = randomHash();
      EcdsaSignature sig = k.sign(hash);
      assertSameAsBouncyCastle(k.publicKey(), table, hash, sig.r(), sig.s(), true);
      byte[] flipped = hash.clone();
      flipped[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
      assertSameAsBouncyCastle(k.publicKey(), table, flipped, sig.r(), sig.s(), false);
      assertSameAsBouncyCastle(k.publicKey(), table, hash, sig.r().add(BigInteger.ONE), sig.s(), false);
      assertSameAsBouncyCastle(k.publicKey(), table, hash, sig.r(), sig.s().add(BigInteger.ONE), false);
      // the high-S twin is valid ECDSA too (the low-S rule is PublicKey.check's, not the equation's)
      assertSameAsBouncyCastle(k.publicKey(), table, hash, sig.r(), N.subtract(sig.s()), true);
    }
  }

  @Test
  void randomAndBoundaryValuesGetBouncyCastlesAnswer() {
    PrivateKey k = key(new BigInteger(256, random).mod(N));
    Secp256k1Windows.Table table = Secp256k1Windows.table(k.publicKey().pointForTests(), Secp256k1Windows.KEY_WIDTH);
    BigInteger[] edges = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, N.subtract(BigInteger.ONE), N,
        N.add(BigInteger.ONE), BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)};
    byte[][] hashes = {new byte[32], to32(N), to32(N.subtract(BigInteger.ONE)), allOnes(), randomHash()};
    for (BigInteger r : edges) {
      for (BigInteger s : edges) {
        for (byte[] h : hashes) {
          assertSameAsBouncyCastle(k.publicKey(), table, h, r, s, null);
        }
      }
    }
    for (int i = 0; i < 200; i++) {
      assertSameAsBouncyCastle(k.publicKey(), table, randomHash(), new BigInteger(256, random).mod(N),
          new BigInteger(256, random).mod(N), false);
    }
  }

  @Test
  void keysThatAreSmallMultiplesOfGAddUpDoubleAndCancel() {
    for (BigInteger d : new BigInteger[] {BigInteger.ONE, BigInteger.TWO, N.subtract(BigInteger.ONE),
        N.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(8), BigInteger.ONE.shiftLeft(200)}) {
      PrivateKey k = key(d);
      Secp256k1Windows.Table table = Secp256k1Windows.table(k.publicKey().pointForTests(), Secp256k1Windows.KEY_WIDTH);
      for (int i = 0; i < 20; i++) {
        byte[] hash = randomHash();
        EcdsaSignature sig = k.sign(hash);
        assertSameAsBouncyCastle(k.publicKey(), table, hash, sig.r(), sig.s(), true);
        // e = -r*d (mod n) makes u1*G + u2*Q = (e + r*d)/s * G the point at infinity
        BigInteger r = new BigInteger(255, random).add(BigInteger.ONE);
        BigInteger s = new BigInteger(255, random).add(BigInteger.ONE);
        byte[] cancelling = to32(r.multiply(d).negate().mod(N));
        assertSameAsBouncyCastle(k.publicKey(), table, cancelling, r, s, false);
        // u1 = u2 * d makes the two halves equal, so the sum is a doubling
        byte[] doubling = to32(r.multiply(d).mod(N));
        assertSameAsBouncyCastle(k.publicKey(), table, doubling, r, s, null);
      }
    }
  }

  @Test
  void anRWhoseXIsAtLeastNIsComparedAsBouncyCastleDoes() {
    // a curve point with n <= x < p; the key is then chosen so that (r = x - n, s) signs hash e
    ECPoint bigX = null;
    for (BigInteger x = N.add(BigInteger.ONE); bigX == null; x = x.add(BigInteger.ONE)) {
      bigX = liftX(x);
    }
    assertThat(bigX.getAffineXCoord().toBigInteger()).isGreaterThanOrEqualTo(N);
    for (int i = 0; i < 10; i++) {
      BigInteger r = bigX.getAffineXCoord().toBigInteger().subtract(N);
      BigInteger s = new BigInteger(255, random).add(BigInteger.ONE);
      BigInteger e = new BigInteger(255, random);
      // Q = r^-1 (s R - e G)
      ECPoint q = bigX.multiply(s).subtract(Secp256k1.DOMAIN.getG().multiply(e)).multiply(r.modInverse(N)).normalize();
      PublicKey key = PublicKey.fromBytes(q.getEncoded(true));
      Secp256k1Windows.Table table = Secp256k1Windows.table(q, Secp256k1Windows.KEY_WIDTH);
      assertSameAsBouncyCastle(key, table, to32(e), r, s, true);
      assertSameAsBouncyCastle(key, table, to32(e), r.add(N), s, false);
    }
  }

  @Test
  void theNodesVectorsPassWithEveryKeyOnItsTable() {
    int before = PublicKey.tableAfterVerifies;
    PublicKey.tableAfterVerifies = 1;
    try {
      for (int pass = 0; pass < 2; pass++) {
        List<String> failures = new ArrayList<>();
        TxVectorsTest.forEachRow("tx_valid.json", TxVectorsTest.EXCLUDED_VALID, (idx, outcome) -> {
          if (!outcome.isEmpty()) {
            failures.add("valid row " + idx + ": " + outcome);
          }
        });
        TxVectorsTest.forEachRow("tx_invalid.json", TxVectorsTest.EXCLUDED_INVALID, (idx, outcome) -> {
          if (outcome.isEmpty()) {
            failures.add("invalid row " + idx + " passed");
          }
        });
        assertThat(failures).isEmpty();
      }
      new ScriptTestsVectorTest().everyRowMatchesTheNode();
      assertThat(PublicKey.fromHex("038479a0fa998cd35259a2ef0a7a5c68662c1474f88ccb6d08a7677bbec7f22041").hasTable())
          .isTrue();
    } finally {
      PublicKey.tableAfterVerifies = before;
    }
  }

  @Test
  void aKeyBuildsItsTableAfterEnoughVerificationsAndDecodingReturnsTheSameKey() {
    PrivateKey k = key(BigInteger.valueOf(987654321));
    PublicKey decoded = PublicKey.fromBytes(k.publicKey().bytes());
    assertThat(PublicKey.fromBytes(k.publicKey().bytes())).isSameAs(decoded);
    byte[] hash = randomHash();
    byte[] der = k.signDer(hash);
    for (int i = 1; i < PublicKey.tableAfterVerifies; i++) {
      assertThat(decoded.verify(hash, der)).isTrue();
      assertThat(decoded.hasTable()).isFalse();
    }
    assertThat(decoded.verify(hash, der)).isTrue();
    assertThat(decoded.hasTable()).isTrue();
    assertThat(decoded.verify(hash, der)).isTrue();
    der[der.length - 1] ^= 1;
    assertThat(decoded.verify(hash, der)).isFalse();
  }

  // --- helpers

  /** Asserts that the table and Bouncy Castle agree, and (unless null) that they say {@code expected}. */
  private static void assertSameAsBouncyCastle(PublicKey key, Secp256k1Windows.Table table, byte[] hash, BigInteger r,
      BigInteger s, Boolean expected) {
    ECDSASigner bc = new ECDSASigner();
    bc.init(false, new ECPublicKeyParameters(key.pointForTests(), Secp256k1.DOMAIN));
    boolean bouncyCastle = bc.verifySignature(hash, r, s);
    boolean windows = Secp256k1Windows.verify(table, hash, r, s);
    assertThat(windows).as("r=%s s=%s hash=%s key=%s", r.toString(16), s.toString(16), StrictHex.encode(hash), key)
        .isEqualTo(bouncyCastle);
    if (expected != null) {
      assertThat(bouncyCastle).as("Bouncy Castle's answer").isEqualTo(expected);
    }
  }

  private static PrivateKey key(BigInteger d) {
    return PrivateKey.fromBytes(Secp256k1.to32Bytes(d));
  }

  private byte[] randomHash() {
    byte[] h = new byte[32];
    random.nextBytes(h);
    return h;
  }

  private static byte[] to32(BigInteger v) {
    return Secp256k1.to32Bytes(v);
  }

  private static byte[] allOnes() {
    byte[] h = new byte[32];
    java.util.Arrays.fill(h, (byte) 0xFF);
    return h;
  }

  private static BigInteger word8(int[] words, int offset) {
    int[] w = new int[8];
    System.arraycopy(words, offset, w, 0, 8);
    return org.bouncycastle.math.raw.Nat256.toBigInteger(w);
  }

  /** The curve point with this x and an even y, or null when x^3 + 7 is not a square. */
  private static ECPoint liftX(BigInteger x) {
    ECFieldElement fx = Secp256k1.DOMAIN.getCurve().fromBigInteger(x);
    ECFieldElement rhs = fx.square().multiply(fx).add(Secp256k1.DOMAIN.getCurve().fromBigInteger(BigInteger.valueOf(7)));
    ECFieldElement y = rhs.sqrt();
    if (y == null) {
      return null;
    }
    return Secp256k1.DOMAIN.getCurve().createPoint(x, y.toBigInteger());
  }
}
