package io.peerwatt.benchmarks.protocol;

import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import java.time.Instant;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * What ingestion does per reading before storing it: decode the signed binary form (including the
 * device key's decompression) and verify the signature over the reading hash.
 */
public class SignedReadingBenchmark extends QuickThroughput {
  private byte[] signedBytes;
  private SignedReading decoded;

  @Setup
  public void setUp() {
    PrivateKey device =
        PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
    MeterReading reading =
        new MeterReading(
            1,
            device.publicKey(),
            0,
            42,
            Instant.parse("2026-11-25T10:00:05Z"),
            1_234_567,
            89_012,
            1520,
            230_120,
            Set.of(),
            MeterReading.noPrevious());
    decoded = SignedReading.sign(reading, device);
    signedBytes = decoded.encode();
  }

  @Benchmark
  public SignatureCheck decodeAndVerify() {
    return SignedReading.decode(signedBytes).verify();
  }

  @Benchmark
  public SignatureCheck verifyDecoded() {
    return decoded.verify();
  }
}
