package io.peerwatt.benchmarks.gateway;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's durable path per reading: {@code append} = one journal append forced to disk
 * (fsync) with a pre-signed reading; {@code signAndAppend} = build, sign (ECDSA secp256k1) and
 * append, i.e. everything after the Modbus read. Throughput depends on the disk's fsync latency.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'gateway.JournalBenchmark' -f 1 -wi 2
 * -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class JournalBenchmark {
  private Path dir;
  private Journal journal;
  private PrivateKey key;
  private byte[] presigned;
  private byte[] presignedHash;
  private Instant t;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("pw-journal-bench");
    journal = Journal.open(dir, 1L << 34, 4L << 20);
    key = PrivateKey.generate(new SecureRandom());
    t = Instant.parse("2026-11-25T10:00:00Z");
    SignedReading s = SignedReading.sign(reading(1, MeterReading.noPrevious()), key);
    presigned = s.encode();
    presignedHash = s.hash();
  }

  private MeterReading reading(long sequence, byte[] prevHash) {
    return new MeterReading(
        1,
        key.publicKey(),
        0,
        sequence,
        t.plusMillis(sequence),
        1_000_000 + sequence,
        0,
        1500,
        230_000,
        Set.of(),
        prevHash);
  }

  @Benchmark
  public Journal.AppendOutcome append() throws IOException {
    long seq = journal.nextSequence();
    return journal.append(
        new JournalEntry(seq, t.plusMillis(seq), false, presignedHash, presigned));
  }

  @Benchmark
  public Journal.AppendOutcome signAndAppend() throws IOException {
    long seq = journal.nextSequence();
    SignedReading s = SignedReading.sign(reading(seq, journal.lastHash()), key);
    return journal.append(new JournalEntry(seq, t.plusMillis(seq), false, s.hash(), s.encode()));
  }

  @Benchmark
  public SignedReading signOnly() {
    return SignedReading.sign(reading(1, MeterReading.noPrevious()), key);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    journal.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
