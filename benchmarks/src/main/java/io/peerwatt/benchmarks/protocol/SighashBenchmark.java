package io.peerwatt.benchmarks.protocol;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.SigHashType;
import io.peerwatt.protocol.bsv.Sighash;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Sighash of a 2-in/2-out P2PKH transaction (a channel commitment's shape): the FORKID digest of
 * one input from scratch (hashPrevouts, hashSequence and hashOutputs included), both inputs through
 * one cache, and the original (legacy) digest.
 */
public class SighashBenchmark extends QuickThroughput {
  private Transaction tx;
  private byte[] scriptCode;

  @Setup
  public void setUp() {
    scriptCode = Script.p2pkh(new byte[20]).bytes();
    byte[] txidA = new byte[32];
    byte[] txidB = new byte[32];
    txidA[0] = 1;
    txidB[0] = 2;
    byte[] unlock = new byte[107];
    tx =
        new Transaction(
            1,
            List.of(
                new TxInput(txidA, 0, unlock, TxInput.SEQUENCE_FINAL),
                new TxInput(txidB, 1, unlock, TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(40_000, scriptCode), new TxOutput(59_000, scriptCode)),
            0);
  }

  @Benchmark
  public byte[] forkIdOneInput() {
    return Sighash.of(tx).digest(0, scriptCode, 50_000, SigHashType.ALL_FORKID);
  }

  @Benchmark
  public byte[] forkIdBothInputsSharedCache() {
    Sighash sighash = Sighash.of(tx);
    sighash.digest(0, scriptCode, 50_000, SigHashType.ALL_FORKID);
    return sighash.digest(1, scriptCode, 50_000, SigHashType.ALL_FORKID);
  }

  @Benchmark
  public byte[] legacyOneInput() {
    return Sighash.of(tx).digest(0, scriptCode, 50_000, SigHashType.ALL);
  }
}
