package io.peerwatt.benchmarks.protocol;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * secp256k1 ECDSA as PeerWatt uses it: deterministic (RFC 6979) low-S signing to strict DER, and
 * strict verification (DER parse, low-S check, ECDSA) with the key already parsed and from bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EcdsaBenchmark {
  private PrivateKey key;
  private PublicKey publicKey;
  private byte[] publicKeyBytes;
  private byte[] hash;
  private byte[] signature;

  @Setup
  public void setUp() {
    key = PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
    publicKey = key.publicKey();
    publicKeyBytes = publicKey.bytes();
    hash = Hashes.sha256("PeerWatt benchmark message".getBytes(StandardCharsets.US_ASCII));
    signature = key.signDer(hash);
  }

  @Benchmark
  public byte[] sign() {
    return key.signDer(hash);
  }

  @Benchmark
  public boolean verify() {
    return publicKey.verify(hash, signature);
  }

  /**
   * Verification starting from the 33-byte key, as for a key taken off the wire or out of the database
   * ({@link PublicKey#fromBytes} returns the object it decoded before, table included).
   */
  @Benchmark
  public boolean verifyFromKeyBytes() {
    return PublicKey.fromBytes(publicKeyBytes).verify(hash, signature);
  }
}
