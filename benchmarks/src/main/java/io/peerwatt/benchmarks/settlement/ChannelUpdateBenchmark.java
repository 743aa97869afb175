package io.peerwatt.benchmarks.settlement;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.PrivateKey;
import io.peerwatt.protocol.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.settlement.channel.InMemoryChannelStore;
import io.peerwatt.settlement.channel.JdbcChannelStore;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One channel update end to end, as the hub and a payee do it per statement: the payer signs the next
 * commitment (build, FORKID sighash, RFC 6979 ECDSA) and saves it, the payee checks it (rebuild the
 * template, compare, verify the signature) and saves it before acknowledging. {@code store} selects
 * where both sides persist: {@code memory} (the state machine alone) or {@code postgres} (JdbcChannelStore
 * on an embedded PostgreSQL, one transaction per save, as in production).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ChannelUpdateBenchmark {
  @Param({"memory", "postgres"})
  public String store;

  private Path dataDir;
  private Database database;
  private ChannelStore payerStore;
  private ChannelStore payeeStore;
  private PrivateKey payerKey;
  private PayerChannel payer;
  private PayeeChannel payee;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    payerKey = PrivateKey.fromBytes(Hashes.sha256("bench payer".getBytes(StandardCharsets.US_ASCII)));
    PrivateKey payeeKey = PrivateKey.fromBytes(Hashes.sha256("bench payee".getBytes(StandardCharsets.US_ASCII)));
    if ("postgres".equals(store)) {
      dataDir = Files.createTempDirectory("peerwatt-bench-");
      database = Database.start(DatabaseConfig.embedded(dataDir));
      payerStore = new JdbcChannelStore(database.dsl());
      payeeStore = new JdbcChannelStore(database.dsl());
    } else {
      payerStore = new InMemoryChannelStore();
      payeeStore = new InMemoryChannelStore();
    }
    // a channel big enough for every update of the run: 1 sat more each time
    ChannelTerms terms = new ChannelTerms("bench-" + System.nanoTime(), ChannelDirection.HUB_TO_SELLER, "bench",
        payerKey.publicKey(), payeeKey.publicKey(), Script.p2pkh(payerKey.publicKey().hash160()).bytes(),
        Script.p2pkh(payeeKey.publicKey().hash160()).bytes(), 2_000_000_000_000L, 200, 1, 900_000,
        Hashes.sha256d("bench funding".getBytes(StandardCharsets.US_ASCII)), 0);
    PayeeChannel.RefundSignature refund = PayeeChannel.accept(terms)
        .signRefund(terms.refundTransaction(), payeeKey).orThrow();
    payee = refund.channel();
    payer = PayerChannel.propose(terms, Long.MAX_VALUE).acceptRefundSignature(refund.signature()).orThrow();
    payerStore.savePayer(payer);
    payeeStore.savePayee(payee);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (database != null) {
      database.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Sign, save (payer), verify, save (payee): one acknowledged payment. */
  @Benchmark
  public long signVerifyPersist() {
    PayerChannel.Payment payment = payer.payIncrement(1, payerKey).orThrow();
    payerStore.savePayer(payment.channel());
    ChannelResult<PayeeChannel> checked = payee.receive(payment.update());
    PayeeChannel accepted = checked.orThrow();
    payeeStore.savePayee(accepted);
    payer = payment.channel();
    payee = accepted;
    if (payee.state() != ChannelState.OPEN) {
      throw new IllegalStateException("channel left the open state");
    }
    return payee.payeeAmountSats();
  }
}
