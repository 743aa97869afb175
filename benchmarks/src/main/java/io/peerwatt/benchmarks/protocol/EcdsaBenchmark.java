package io.peerwatt.benchmarks.protocol;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.Secp256k1Ecdsa;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * secp256k1 ECDSA as PeerWatt uses it, with each implementation of {@link Secp256k1Ecdsa}:
 * deterministic (RFC 6979) low-S signing to strict DER, and strict verification (DER parse, low-S
 * check, ECDSA), over {@code keys} distinct keys taken in turn, as a platform sees many devices.
 *
 * <p>{@code implementation} is chosen the way production chooses it: JMH runs every parameter
 * combination in its own JVM, and the set-up sets {@code -Dpeerwatt.secp256k1} before the first key
 * is made, then checks that the JVM took it. Each thread ({@code -t N}) walks the keys on its own.
 * {@link EcdsaComparison} runs this at 1 and 2 threads and prints the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EcdsaBenchmark {
  @Param({"native", "bouncycastle"})
  public String implementation;

  @Param("1024")
  public int keys;

  private PrivateKey[] privateKeys;
  private PublicKey[] publicKeys;
  private byte[][] publicKeyBytes;
  private byte[][] hashes;
  private byte[][] signatures;

  /** Where one thread is in the list of keys. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    int next(int count) {
      int i = next;
      next = i + 1 == count ? 0 : i + 1;
      return i;
    }
  }

  @Setup
  public void setUp() {
    if (implementation.equals("bouncycastle")) {
      System.setProperty(Secp256k1Ecdsa.PROPERTY, "bouncycastle");
    }
    String inUse = Secp256k1Ecdsa.inUse().name();
    if (!inUse.equals(implementation)) {
      throw new IllegalStateException("asked for " + implementation + ", the JVM uses " + inUse);
    }
    privateKeys = new PrivateKey[keys];
    publicKeys = new PublicKey[keys];
    publicKeyBytes = new byte[keys][];
    hashes = new byte[keys][];
    signatures = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      privateKeys[i] =
          PrivateKey.fromBytes(Hashes.sha256(ByteBuffer.allocate(4).putInt(i + 1).array()));
      publicKeys[i] = privateKeys[i].publicKey();
      publicKeyBytes[i] = publicKeys[i].bytes();
      hashes[i] = Hashes.sha256(publicKeyBytes[i]);
      signatures[i] = privateKeys[i].signDer(hashes[i]);
    }
  }

  @Benchmark
  public byte[] sign(Cursor cursor) {
    int i = cursor.next(keys);
    return privateKeys[i].signDer(hashes[i]);
  }

  /** What ingestion does: the key arrives as 33 bytes, the signature as DER. */
  @Benchmark
  public boolean verify(Cursor cursor) {
    int i = cursor.next(keys);
    return PublicKey.fromBytes(publicKeyBytes[i]).verify(hashes[i], signatures[i]);
  }

  /**
   * The same with the key already parsed (a channel's counterparty key, a certificate's issuer).
   */
  @Benchmark
  public boolean verifyParsedKey(Cursor cursor) {
    int i = cursor.next(keys);
    return publicKeys[i].verify(hashes[i], signatures[i]);
  }
}
