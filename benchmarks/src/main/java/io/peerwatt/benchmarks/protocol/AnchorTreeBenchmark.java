package io.peerwatt.benchmarks.protocol;

import io.peerwatt.protocol.anchor.AnchorTree;
import java.util.Random;
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
 * A slot's anchor tree over 1M leaf hashes (computed at ingestion, one per item): the root alone,
 * and the root plus every leaf's inclusion proof (copied into a reused buffer, as a bundle writer
 * would). Goal: under 1 s on one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx1g"})
public class AnchorTreeBenchmark {
  private static final int LEAVES = 1_000_000;
  private byte[] leafHashes;
  private byte[] proofBuffer;

  @Setup
  public void setUp() {
    leafHashes = new byte[32 * LEAVES];
    new Random(1).nextBytes(leafHashes);
    proofBuffer = new byte[32 * 64];
  }

  @Benchmark
  public byte[] root() {
    return AnchorTree.build(leafHashes).root();
  }

  @Benchmark
  public long rootAndAllProofs() {
    AnchorTree tree = AnchorTree.build(leafHashes);
    long siblings = 0;
    for (int i = 0; i < LEAVES; i++) {
      siblings += tree.writeProof(i, proofBuffer, 0);
    }
    return siblings + tree.root()[0];
  }
}
