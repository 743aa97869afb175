package io.peerwatt.benchmarks.settlement;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.GroupCommitChannelStore;
import io.peerwatt.settlement.channel.InMemoryChannelStore;
import io.peerwatt.settlement.channel.JdbcChannelStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * One channel update end to end, as the hub and a payee do it per statement: the payer signs the
 * next commitment (build, FORKID sighash, RFC 6979 ECDSA) and saves it, the payee checks it
 * (rebuild the template, compare, verify the signature) and saves it before acknowledging.
 *
 * <p>Each benchmark thread ({@code -t N}) drives its own channel, as a platform updates one channel
 * per prosumer at the same time; all threads share the two stores. {@code store} selects where both
 * sides persist: {@code memory} (the state machine alone), {@code postgres} ({@link
 * JdbcChannelStore}, one transaction per save) or {@code postgres-group} ({@link
 * GroupCommitChannelStore}: the saves of all threads that wait at the same time share one
 * transaction; one store, so one writer, per side). {@code fsync} sets up the PostgreSQL: {@code
 * on} runs it with fsync and synchronous_commit on, so a commit returns only once its WAL is on
 * disk (what a production server does); {@code off} is {@link Database#start}'s embedded PostgreSQL
 * as it is configured today (fsync and synchronous_commit off, nothing is durable across a crash of
 * the machine), for comparison with earlier figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ChannelUpdateBenchmark {
  /** The platform's default pool ({@code db.pool-size}). */
  private static final int POOL_SIZE = 10;

  @Param({"memory", "postgres", "postgres-group"})
  public String store;

  @Param({"on"})
  public String fsync;

  private final AtomicInteger channels = new AtomicInteger();
  private Path dataDir;
  private EmbeddedPostgres durablePostgres;
  private Database database;
  private ChannelStore payerStore;
  private ChannelStore payeeStore;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if ("memory".equals(store)) {
      payerStore = new InMemoryChannelStore();
      payeeStore = new InMemoryChannelStore();
      return;
    }
    dataDir = Files.createTempDirectory("peerwatt-bench-");
    database = startDatabase();
    String serverFsync = String.valueOf(database.dsl().fetchValue("SHOW fsync"));
    if (!fsync.equals(serverFsync)) {
      throw new IllegalStateException(
          "asked for fsync " + fsync + ", the server runs with " + serverFsync);
    }
    if ("postgres-group".equals(store)) {
      payerStore = new GroupCommitChannelStore(database.dsl());
      payeeStore = new GroupCommitChannelStore(database.dsl());
    } else {
      payerStore = new JdbcChannelStore(database.dsl());
      payeeStore = new JdbcChannelStore(database.dsl());
    }
  }

  private Database startDatabase() throws IOException {
    switch (fsync) {
      case "off":
        return Database.start(DatabaseConfig.embedded(dataDir));
      case "on":
        // the embedded server starts with -F (fsync off) and synchronous_commit off; -c overrides
        // both
        durablePostgres =
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        return Database.start(
            new DatabaseConfig(
                durablePostgres.getJdbcUrl("postgres", "postgres"),
                "postgres",
                null,
                dataDir,
                POOL_SIZE));
      default:
        throw new IllegalArgumentException("fsync is on or off, not " + fsync);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    for (ChannelStore s : new ChannelStore[] {payerStore, payeeStore}) {
      if (s instanceof GroupCommitChannelStore group) {
        System.out.printf(
            "%n%s: %d saves in %d transactions%n",
            s == payerStore ? "payer" : "payee", group.savesCommitted(), group.batchesCommitted());
        group.close();
      }
    }
    if (database != null) {
      database.close();
    }
    if (durablePostgres != null) {
      durablePostgres.close();
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One benchmark thread's channel: its own keys, terms and both sides' newest state. */
  @State(Scope.Thread)
  public static class Channel {
    PrivateKey payerKey;
    PayerChannel payer;
    PayeeChannel payee;

    @Setup(Level.Trial)
    public void open(ChannelUpdateBenchmark bench) {
      int n = bench.channels.incrementAndGet();
      payerKey = key("bench payer " + n);
      PrivateKey payeeKey = key("bench payee " + n);
      // a channel big enough for every update of the run: 1 sat more each time
      ChannelTerms terms =
          new ChannelTerms(
              "bench-" + System.nanoTime() + "-" + n,
              ChannelDirection.HUB_TO_SELLER,
              "bench-" + n,
              payerKey.publicKey(),
              payeeKey.publicKey(),
              Script.p2pkh(payerKey.publicKey().hash160()).bytes(),
              Script.p2pkh(payeeKey.publicKey().hash160()).bytes(),
              2_000_000_000_000L,
              200,
              1,
              900_000,
              Hashes.sha256d(("bench funding " + n).getBytes(StandardCharsets.US_ASCII)),
              0);
      PayeeChannel.RefundSignature refund =
          PayeeChannel.accept(terms).signRefund(terms.refundTransaction(), payeeKey).orThrow();
      payee = refund.channel();
      payer =
          PayerChannel.propose(terms, Long.MAX_VALUE)
              .acceptRefundSignature(refund.signature())
              .orThrow();
      bench.payerStore.savePayer(payer);
      bench.payeeStore.savePayee(payee);
    }

    private static PrivateKey key(String seed) {
      return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** Sign, save (payer), verify, save (payee): one acknowledged payment. */
  @Benchmark
  public long signVerifyPersist(Channel ch) {
    PayerChannel.Payment payment = ch.payer.payIncrement(1, ch.payerKey).orThrow();
    payerStore.savePayer(payment.channel());
    ChannelResult<PayeeChannel> checked = ch.payee.receive(payment.update());
    PayeeChannel accepted = checked.orThrow();
    payeeStore.savePayee(accepted);
    ch.payer = payment.channel();
    ch.payee = accepted;
    if (accepted.state() != ChannelState.OPEN) {
      throw new IllegalStateException("channel left the open state");
    }
    return accepted.payeeAmountSats();
  }
}
