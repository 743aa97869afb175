package io.peerwatt.protocol.keys;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;
import org.bouncycastle.math.raw.Nat256;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA verification over precomputed fixed-window tables: u1*G + u2*Q as a sum of table points, with
 * no doublings. A table holds, for every w-bit window i of a 256-bit scalar, the affine points
 * j * 2^(w*i) * P for j = 1 .. 2^(w-1); a scalar recoded into signed digits then costs one mixed
 * addition per non-zero digit. G's table (w = 8, 4,224 points, about 270 KB) is built once per JVM; a
 * public key's table (w = 5, 832 points, about 53 KB) is built by {@link PublicKey} once the same key
 * object has verified enough signatures to repay it (about 20 verifications' worth of work).
 *
 * <p>Field arithmetic is Bouncy Castle's secp256k1 field ({@link SecP256K1Field}, canonical 8-word
 * little-endian values); only the group law and the scalar recoding are here. The result is the same
 * as Bouncy Castle's {@code ECDSASigner.verifySignature} for every input: r and s outside [1, n-1] are
 * refused, e is the hash as an unsigned integer, and the x coordinate of R is compared with r (and r +
 * n where that is below p) in Jacobian form. Verification works on public data only, so nothing here
 * needs to run in constant time; signing stays with Bouncy Castle's constant-time comb.
 */
final class Secp256k1Windows {
  private static final BigInteger N = Secp256k1.N;
  private static final BigInteger P = Secp256k1.DOMAIN.getCurve().getField().getCharacteristic();
  /** Window width of public-key tables. */
  static final int KEY_WIDTH = 5;
  /** Window width of the generator's table. */
  static final int G_WIDTH = 8;

  private Secp256k1Windows() {}

  /** The precomputed multiples of one point; immutable once built, shared between threads. */
  static final class Table {
    final int width;
    final int windows;
    final int perWindow;
    /** Entry (window i, digit j) at ((i * perWindow) + j - 1) * 16: x in words 0..7, y in 8..15. */
    final int[] points;

    private Table(int width, int windows, int[] points) {
      this.width = width;
      this.windows = windows;
      this.perWindow = 1 << (width - 1);
      this.points = points;
    }

    /** Bytes held by the points. */
    long sizeBytes() {
      return points.length * 4L;
    }
  }

  private static final class GeneratorHolder {
    static final Table G = table(Secp256k1.DOMAIN.getG(), G_WIDTH);
  }

  /** The table of {@code point} (any valid, finite point of the curve) for windows of {@code width} bits. */
  static Table table(ECPoint point, int width) {
    ECPoint affine = point.normalize();
    if (affine.isInfinity()) {
      throw new IllegalArgumentException("no table for the point at infinity");
    }
    int windows = windowsFor(width);
    int perWindow = 1 << (width - 1);
    int count = windows * perWindow;
    int[][] xs = new int[count][];
    int[][] ys = new int[count][];
    int[][] zs = new int[count][];
    Jacobian base = Jacobian.affine(Nat256.fromBigInteger(affine.getAffineXCoord().toBigInteger()),
        Nat256.fromBigInteger(affine.getAffineYCoord().toBigInteger()));
    Scratch t = new Scratch();
    for (int i = 0; i < windows; i++) {
      Jacobian acc = base.copy();
      for (int j = 1; j <= perWindow; j++) {
        int k = i * perWindow + j - 1;
        xs[k] = acc.x.clone();
        ys[k] = acc.y.clone();
        zs[k] = acc.z.clone();
        if (j < perWindow) {
          acc.add(base, t);
        }
      }
      // acc = perWindow * base; one more doubling gives 2^width * base, the next window's base
      acc.twice(t);
      base = acc;
    }
    // Montgomery's trick: one inversion for all the Z coordinates
    int[][] prefix = new int[count][];
    int[] running = Nat256.create();
    Nat256.copy(zs[0], running);
    prefix[0] = running.clone();
    for (int k = 1; k < count; k++) {
      SecP256K1Field.multiply(running, zs[k], running, t.ext);
      prefix[k] = running.clone();
    }
    int[] inverse = Nat256.create();
    SecP256K1Field.inv(running, inverse);
    int[] points = new int[count * 16];
    int[] zInv = Nat256.create();
    int[] zInv2 = Nat256.create();
    int[] zInv3 = Nat256.create();
    int[] coordinate = Nat256.create();
    for (int k = count - 1; k >= 0; k--) {
      if (k > 0) {
        SecP256K1Field.multiply(inverse, prefix[k - 1], zInv, t.ext);
        SecP256K1Field.multiply(inverse, zs[k], inverse, t.ext);
      } else {
        Nat256.copy(inverse, zInv);
      }
      SecP256K1Field.square(zInv, zInv2, t.ext);
      SecP256K1Field.multiply(zInv2, zInv, zInv3, t.ext);
      SecP256K1Field.multiply(xs[k], zInv2, coordinate, t.ext);
      System.arraycopy(coordinate, 0, points, k * 16, 8);
      SecP256K1Field.multiply(ys[k], zInv3, coordinate, t.ext);
      System.arraycopy(coordinate, 0, points, k * 16 + 8, 8);
    }
    return new Table(width, windows, points);
  }

  /** Windows a 256-bit scalar needs in signed digits of {@code width} bits (one more when the top carry can spill). */
  static int windowsFor(int width) {
    return 256 % width == 0 ? 256 / width + 1 : (256 + width - 1) / width;
  }

  /**
   * The ECDSA check of (r, s) over the 32-byte {@code hash} for the key whose table is {@code key}:
   * true exactly when Bouncy Castle's {@code ECDSASigner} would accept it.
   */
  static boolean verify(Table key, byte[] hash, BigInteger r, BigInteger s) {
    if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    BigInteger e = new BigInteger(1, hash);
    BigInteger c = BigIntegers.modOddInverseVar(N, s);
    BigInteger u1 = e.multiply(c).mod(N);
    BigInteger u2 = r.multiply(c).mod(N);
    Scratch t = new Scratch();
    Jacobian acc = Jacobian.infinity();
    addMultiple(acc, GeneratorHolder.G, u1, t);
    addMultiple(acc, key, u2, t);
    if (acc.isInfinity()) {
      return false;
    }
    // X / Z^2 == r (mod p), or r + n when that is still a field element
    int[] z2 = Nat256.create();
    SecP256K1Field.square(acc.z, z2, t.ext);
    int[] candidate = Nat256.create();
    SecP256K1Field.multiply(Nat256.fromBigInteger(r), z2, candidate, t.ext);
    if (Nat256.eq(candidate, acc.x)) {
      return true;
    }
    BigInteger rPlusN = r.add(N);
    if (rPlusN.compareTo(P) >= 0) {
      return false;
    }
    SecP256K1Field.multiply(Nat256.fromBigInteger(rPlusN), z2, candidate, t.ext);
    return Nat256.eq(candidate, acc.x);
  }

  /** acc += k * P, P being the table's point, for 0 <= k < n. */
  private static void addMultiple(Jacobian acc, Table table, BigInteger k, Scratch t) {
    int[] scalar = Nat256.fromBigInteger(k);
    int width = table.width;
    int half = 1 << (width - 1);
    int full = 1 << width;
    int[] x = Nat256.create();
    int[] y = Nat256.create();
    int carry = 0;
    for (int i = 0; i < table.windows; i++) {
      int digit = bits(scalar, i * width, width) + carry;
      if (digit > half) {
        digit -= full;
        carry = 1;
      } else {
        carry = 0;
      }
      if (digit == 0) {
        continue;
      }
      int offset = (i * table.perWindow + Math.abs(digit) - 1) * 16;
      System.arraycopy(table.points, offset, x, 0, 8);
      System.arraycopy(table.points, offset + 8, y, 0, 8);
      if (digit < 0) {
        SecP256K1Field.negate(y, y);
      }
      acc.addAffine(x, y, t);
    }
    if (carry != 0) {
      throw new IllegalStateException("scalar does not fit the table's windows");
    }
  }

  /** {@code count} bits of the little-endian 8-word {@code scalar} from bit {@code from}; 0 past bit 255. */
  private static int bits(int[] scalar, int from, int count) {
    int value = 0;
    for (int b = count - 1; b >= 0; b--) {
      int bit = from + b;
      value = (value << 1) | (bit < 256 ? (scalar[bit >>> 5] >>> (bit & 31)) & 1 : 0);
    }
    return value;
  }

  /** Scratch space of one computation (Bouncy Castle's field needs a 16-word buffer per product). */
  private static final class Scratch {
    final int[] ext = Nat256.createExt();
    final int[] t1 = Nat256.create();
    final int[] t2 = Nat256.create();
    final int[] t3 = Nat256.create();
    final int[] t4 = Nat256.create();
    final int[] t5 = Nat256.create();
    final int[] t6 = Nat256.create();
    final int[] t7 = Nat256.create();
  }

  /** A mutable point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3); Z = 0 is the point at infinity. */
  private static final class Jacobian {
    final int[] x;
    final int[] y;
    final int[] z;

    private Jacobian(int[] x, int[] y, int[] z) {
      this.x = x;
      this.y = y;
      this.z = z;
    }

    static Jacobian infinity() {
      return new Jacobian(Nat256.create(), Nat256.create(), Nat256.create());
    }

    static Jacobian affine(int[] x, int[] y) {
      int[] one = Nat256.create();
      one[0] = 1;
      return new Jacobian(x.clone(), y.clone(), one);
    }

    Jacobian copy() {
      return new Jacobian(x.clone(), y.clone(), z.clone());
    }

    boolean isInfinity() {
      return Nat256.isZero(z);
    }

    /** this = 2 * this (a = 0: dbl-2009-l). */
    void twice(Scratch t) {
      if (isInfinity() || Nat256.isZero(y)) {
        // y = 0 has order 2, which secp256k1 has no point of; kept for completeness
        Nat256.zero(z);
        return;
      }
      int[] a = t.t1;
      int[] b = t.t2;
      int[] c = t.t3;
      int[] d = t.t4;
      int[] e = t.t5;
      int[] f = t.t6;
      SecP256K1Field.square(x, a, t.ext);
      SecP256K1Field.square(y, b, t.ext);
      SecP256K1Field.square(b, c, t.ext);
      // d = 2 * ((x + b)^2 - a - c)
      SecP256K1Field.add(x, b, d);
      SecP256K1Field.square(d, d, t.ext);
      SecP256K1Field.subtract(d, a, d);
      SecP256K1Field.subtract(d, c, d);
      SecP256K1Field.twice(d, d);
      // e = 3a, f = e^2
      SecP256K1Field.twice(a, e);
      SecP256K1Field.add(e, a, e);
      SecP256K1Field.square(e, f, t.ext);
      // z3 = 2 * y * z (before y changes)
      SecP256K1Field.multiply(y, z, z, t.ext);
      SecP256K1Field.twice(z, z);
      // x3 = f - 2d
      SecP256K1Field.twice(d, x);
      SecP256K1Field.subtract(f, x, x);
      // y3 = e * (d - x3) - 8c
      SecP256K1Field.subtract(d, x, y);
      SecP256K1Field.multiply(e, y, y, t.ext);
      SecP256K1Field.twice(c, c);
      SecP256K1Field.twice(c, c);
      SecP256K1Field.twice(c, c);
      SecP256K1Field.subtract(y, c, y);
    }

    /** this += (ax, ay), an affine point (mixed addition); handles equal, opposite and infinite operands. */
    void addAffine(int[] ax, int[] ay, Scratch t) {
      if (isInfinity()) {
        Nat256.copy(ax, x);
        Nat256.copy(ay, y);
        Nat256.zero(z);
        z[0] = 1;
        return;
      }
      int[] z1z1 = t.t1;
      int[] u2 = t.t2;
      int[] s2 = t.t3;
      int[] h = t.t4;
      int[] r = t.t5;
      SecP256K1Field.square(z, z1z1, t.ext);
      SecP256K1Field.multiply(ax, z1z1, u2, t.ext);
      SecP256K1Field.multiply(z, z1z1, s2, t.ext);
      SecP256K1Field.multiply(ay, s2, s2, t.ext);
      SecP256K1Field.subtract(u2, x, h);
      SecP256K1Field.subtract(s2, y, r);
      if (Nat256.isZero(h)) {
        if (Nat256.isZero(r)) {
          twice(t);
        } else {
          Nat256.zero(z);
        }
        return;
      }
      int[] hh = t.t1;
      int[] hhh = t.t6;
      int[] v = t.t7;
      SecP256K1Field.square(h, hh, t.ext);
      SecP256K1Field.multiply(h, hh, hhh, t.ext);
      SecP256K1Field.multiply(x, hh, v, t.ext);
      // z3 = z1 * h
      SecP256K1Field.multiply(z, h, z, t.ext);
      // x3 = r^2 - hhh - 2v
      SecP256K1Field.square(r, x, t.ext);
      SecP256K1Field.subtract(x, hhh, x);
      SecP256K1Field.subtract(x, v, x);
      SecP256K1Field.subtract(x, v, x);
      // y3 = r * (v - x3) - y1 * hhh
      SecP256K1Field.multiply(y, hhh, hhh, t.ext);
      SecP256K1Field.subtract(v, x, v);
      SecP256K1Field.multiply(r, v, y, t.ext);
      SecP256K1Field.subtract(y, hhh, y);
    }

    /** this += other, both Jacobian (used only to build tables). */
    void add(Jacobian other, Scratch t) {
      if (other.isInfinity()) {
        return;
      }
      if (isInfinity()) {
        Nat256.copy(other.x, x);
        Nat256.copy(other.y, y);
        Nat256.copy(other.z, z);
        return;
      }
      int[] z1z1 = t.t1;
      int[] z2z2 = t.t2;
      int[] u1 = t.t3;
      int[] u2 = t.t4;
      int[] s1 = t.t5;
      int[] s2 = t.t6;
      SecP256K1Field.square(z, z1z1, t.ext);
      SecP256K1Field.square(other.z, z2z2, t.ext);
      SecP256K1Field.multiply(x, z2z2, u1, t.ext);
      SecP256K1Field.multiply(other.x, z1z1, u2, t.ext);
      SecP256K1Field.multiply(y, other.z, s1, t.ext);
      SecP256K1Field.multiply(s1, z2z2, s1, t.ext);
      SecP256K1Field.multiply(other.y, z, s2, t.ext);
      SecP256K1Field.multiply(s2, z1z1, s2, t.ext);
      int[] h = u2;
      SecP256K1Field.subtract(u2, u1, h);
      int[] r = s2;
      SecP256K1Field.subtract(s2, s1, r);
      if (Nat256.isZero(h)) {
        if (Nat256.isZero(r)) {
          twice(t);
        } else {
          Nat256.zero(z);
        }
        return;
      }
      int[] hh = t.t1;
      int[] hhh = t.t2;
      int[] v = t.t7;
      SecP256K1Field.square(h, hh, t.ext);
      SecP256K1Field.multiply(h, hh, hhh, t.ext);
      SecP256K1Field.multiply(u1, hh, v, t.ext);
      // z3 = z1 * z2 * h
      SecP256K1Field.multiply(z, other.z, z, t.ext);
      SecP256K1Field.multiply(z, h, z, t.ext);
      // x3 = r^2 - hhh - 2v
      SecP256K1Field.square(r, x, t.ext);
      SecP256K1Field.subtract(x, hhh, x);
      SecP256K1Field.subtract(x, v, x);
      SecP256K1Field.subtract(x, v, x);
      // y3 = r * (v - x3) - s1 * hhh
      SecP256K1Field.multiply(s1, hhh, hhh, t.ext);
      SecP256K1Field.subtract(v, x, v);
      SecP256K1Field.multiply(r, v, y, t.ext);
      SecP256K1Field.subtract(y, hhh, y);
    }
  }
}
