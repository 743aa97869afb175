package io.peerwatt.settlement.channel;

import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_COMMITMENT;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_FUNDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The group-commit store against a real PostgreSQL. To put chosen saves into one batch, a test
 * holds a lock on payment_channel from another connection: the writer's first transaction waits on
 * it, the saves queued meanwhile form the next batch, and releasing the lock lets both go.
 */
@ExtendWith(PostgresExtension.class)
class GroupCommitChannelStoreTest {
  private static final PrivateKey PAYER_KEY = ChannelFixture.key(21);
  private static final PrivateKey PAYEE_KEY = ChannelFixture.key(22);
  private static final long CAPACITY = 1_000_000;
  private static final long FEE = 200;

  private final DSLContext db;
  private final DataSource dataSource;
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private GroupCommitChannelStore store;

  GroupCommitChannelStoreTest(DSLContext db, DataSource dataSource) {
    this.db = db;
    this.dataSource = dataSource;
  }

  @BeforeEach
  void emptyTables() {
    db.deleteFrom(PAYMENT_CHANNEL_COMMITMENT).execute();
    db.deleteFrom(PAYMENT_CHANNEL_FUNDING).execute();
    db.deleteFrom(PAYMENT_CHANNEL).execute();
    store = new GroupCommitChannelStore(db);
  }

  @AfterEach
  void stop() {
    store.close();
    callers.shutdownNow();
  }

  @Test
  void concurrentSavesFromManyThreadsAreAllCommittedAndReadableAfterwards() throws Exception {
    int threads = 8;
    int updates = 30;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<PayeeChannel>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String id = "concurrent-" + t;
      results.add(
          callers.submit(
              () -> {
                Pair channel = open(id);
                store.savePayer(channel.payer);
                store.savePayee(channel.payee);
                start.await();
                PayerChannel payer = channel.payer;
                PayeeChannel payee = channel.payee;
                for (int i = 1; i <= updates; i++) {
                  PayerChannel.Payment payment = payer.pay(i * 1_000L, PAYER_KEY).orThrow();
                  store.savePayer(payment.channel());
                  payee = payee.receive(payment.update()).orThrow();
                  store.savePayee(payee);
                  payer = payment.channel();
                }
                return payee;
              }));
    }
    start.countDown();
    List<PayeeChannel> finals = new ArrayList<>();
    for (Future<PayeeChannel> r : results) {
      finals.add(r.get(2, TimeUnit.MINUTES));
    }
    store.close();

    assertThat(store.savesCommitted()).isEqualTo(threads * (2L + 2L * updates));
    assertThat(store.batchesCommitted()).isBetween(1L, store.savesCommitted());
    JdbcChannelStore reader = new JdbcChannelStore(db);
    for (PayeeChannel expected : finals) {
      String id = expected.channelId();
      assertStored(reader.payee(id), expected);
      PayerChannel payer = reader.payer(id).orElseThrow();
      assertThat(payer.sequence()).isEqualTo(updates);
      assertThat(payer.payeeAmountSats()).isEqualTo(updates * 1_000L);
      assertThat(payer.payerSignature()).isEqualTo(expected.payerSignature());
      for (String role : List.of("payer", "payee")) {
        assertThat(commitments(id, role))
            .as(id + " " + role)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, updates).boxed().toList());
      }
    }
  }

  @Test
  void savesQueuedWhileATransactionWaitsAreCommittedTogether() throws Exception {
    List<Future<?>> saved = new ArrayList<>();
    try (Connection lock = lockChannelTable()) {
      saved.add(saveAsync(open("first").payer));
      awaitWriterBlocked();
      for (int i = 0; i < 5; i++) {
        saved.add(saveAsync(open("queued-" + i).payer));
      }
      await(() -> store.queuedSaves() == 5);
      assertThat(saved).noneMatch(Future::isDone);
      lock.rollback();
    }
    for (Future<?> f : saved) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(store.batchesCommitted()).isEqualTo(2);
    assertThat(store.savesCommitted()).isEqualTo(6);
    assertThat(db.fetchCount(PAYMENT_CHANNEL)).isEqualTo(6);
  }

  @Test
  void aFailingBatchFailsEveryCallerInItAndWritesNothingOfIt() throws Exception {
    Pair updated = open("updated");
    store.savePayer(updated.payer);
    PayerChannel.Payment first = updated.payer.pay(1_000, PAYER_KEY).orThrow();
    store.savePayer(first.channel());
    PayerChannel.Payment second = first.channel().pay(2_000, PAYER_KEY).orThrow();
    // a payee state no commitment can have: more than the capacity (the table's check constraint)
    Pair broken = open("broken");
    PayeeChannel impossible =
        new PayeeChannel(
            broken.payee.terms(),
            ChannelState.OPEN,
            1,
            CAPACITY + 1,
            first.update().payerSignature());
    Pair fresh = open("fresh");

    Future<?> before;
    Future<?> good1;
    Future<?> bad;
    Future<?> good2;
    try (Connection lock = lockChannelTable()) {
      before = saveAsync(open("before").payer);
      awaitWriterBlocked();
      good1 = saveAsync(second.channel());
      await(() -> store.queuedSaves() == 1);
      bad = callers.submit(() -> store.savePayee(impossible));
      await(() -> store.queuedSaves() == 2);
      good2 = saveAsync(fresh.payer);
      await(() -> store.queuedSaves() == 3);
      lock.rollback();
    }
    before.get(30, TimeUnit.SECONDS);
    for (Future<?> f : List.of(good1, bad, good2)) {
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(DataAccessException.class)
          .hasMessageContaining("group commit failed")
          .hasMessageContaining("ck_payment_channel_amounts");
    }

    JdbcChannelStore reader = new JdbcChannelStore(db);
    assertThat(reader.payer("before")).isPresent();
    assertStored(reader.payer("updated"), first.channel());
    assertThat(commitments("updated", "payer")).containsExactly(1L);
    assertThat(reader.payee("broken")).isEmpty();
    assertThat(commitments("broken", "payee")).isEmpty();
    assertThat(reader.payer("fresh")).isEmpty();

    // the writer goes on, and the innocent saves succeed when retried
    store.savePayer(second.channel());
    store.savePayer(fresh.payer);
    assertStored(reader.payer("updated"), second.channel());
    assertThat(commitments("updated", "payer")).containsExactly(1L, 2L);
    assertStored(reader.payer("fresh"), fresh.payer);
  }

  @Test
  void twoSavesOfOneChannelInOneBatchAreWrittenInTheOrderTheyWereQueued() throws Exception {
    Pair channel = open("twice");
    store.savePayer(channel.payer);
    PayerChannel.Payment one = channel.payer.pay(1_000, PAYER_KEY).orThrow();
    PayerChannel.Payment two = one.channel().pay(2_000, PAYER_KEY).orThrow();
    Future<?> first;
    Future<?> second;
    try (Connection lock = lockChannelTable()) {
      Future<?> blocker = saveAsync(open("blocker").payer);
      awaitWriterBlocked();
      first = saveAsync(one.channel());
      await(() -> store.queuedSaves() == 1);
      second = saveAsync(two.channel());
      await(() -> store.queuedSaves() == 2);
      lock.rollback();
      blocker.get(30, TimeUnit.SECONDS);
    }
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertThat(store.batchesCommitted()).isEqualTo(3);
    assertStored(new JdbcChannelStore(db).payer("twice"), two.channel());
    assertThat(commitments("twice", "payer")).containsExactly(1L, 2L);
  }

  @Test
  void aChannelsFirstSaveMayAlreadyCarryACommitment() {
    // the channel row and its first history row go in one statement: the foreign key must see the
    // row
    Pair channel = open("restored");
    PayerChannel.Payment payment = channel.payer.pay(5_000, PAYER_KEY).orThrow();
    PayeeChannel accepted = channel.payee.receive(payment.update()).orThrow();
    store.savePayee(accepted);
    assertStored(new JdbcChannelStore(db).payee("restored"), accepted);
    assertThat(commitments("restored", "payee")).containsExactly(1L);
  }

  @Test
  void closeWritesWhatIsQueuedThenRefusesSaves() throws Exception {
    Future<?> blocked;
    Future<?> queued;
    Future<?> closing;
    try (Connection lock = lockChannelTable()) {
      blocked = saveAsync(open("blocked").payer);
      awaitWriterBlocked();
      queued = saveAsync(open("queued").payer);
      await(() -> store.queuedSaves() == 1);
      closing = callers.submit(() -> store.close());
      Thread.sleep(200);
      assertThat(closing).isNotDone();
      lock.rollback();
    }
    closing.get(30, TimeUnit.SECONDS);
    blocked.get(30, TimeUnit.SECONDS);
    queued.get(30, TimeUnit.SECONDS);
    assertThat(new JdbcChannelStore(db).payer("queued")).isPresent();
    PayerChannel late = open("late").payer;
    assertThatThrownBy(() -> store.savePayer(late)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readsAndProposalsGoStraightToTheDatabase() {
    Pair channel = open("proposal");
    PayerChannel proposed = PayerChannel.propose(channel.payer.terms(), CAPACITY);
    store.savePayerProposal(proposed, new byte[] {1, 2, 3});
    assertStored(store.payer("proposal"), proposed);
    assertThat(store.proposedFunding("proposal"))
        .hasValueSatisfying(raw -> assertThat(raw).containsExactly(1, 2, 3));
    store.savePayer(channel.payer);
    store.savePayee(channel.payee);
    assertThat(store.payerChannels(ChannelState.OPEN))
        .singleElement()
        .satisfies(c -> assertStored(Optional.of(c), channel.payer));
    assertThat(store.payeeChannels(ChannelState.OPEN))
        .singleElement()
        .satisfies(c -> assertStored(Optional.of(c), channel.payee));
    // by counterparty, whatever the state: what each gateway's wallet round asks for
    assertThat(store.payerChannelsWith("seller-proposal"))
        .singleElement()
        .satisfies(c -> assertStored(Optional.of(c), channel.payer));
    assertThat(store.payeeChannelsWith("seller-proposal"))
        .singleElement()
        .satisfies(c -> assertStored(Optional.of(c), channel.payee));
    assertThat(store.payerChannelsWith("seller-other")).isEmpty();
    assertThat(new InMemoryChannelStore().payerChannelsWith("seller-proposal")).isEmpty();
  }

  // --- helpers

  private record Pair(PayerChannel payer, PayeeChannel payee) {}

  /** An open channel (refund signed), nothing paid yet. */
  private static Pair open(String id) {
    ChannelTerms terms =
        new ChannelTerms(
            id,
            ChannelDirection.HUB_TO_SELLER,
            "seller-" + id,
            PAYER_KEY.publicKey(),
            PAYEE_KEY.publicKey(),
            Script.p2pkh(PAYER_KEY.publicKey().hash160()).bytes(),
            Script.p2pkh(PAYEE_KEY.publicKey().hash160()).bytes(),
            CAPACITY,
            FEE,
            100,
            900_000,
            Hashes.sha256d(id.getBytes(StandardCharsets.US_ASCII)),
            0);
    PayeeChannel.RefundSignature refund =
        PayeeChannel.accept(terms).signRefund(terms.refundTransaction(), PAYEE_KEY).orThrow();
    PayerChannel payer =
        PayerChannel.propose(terms, CAPACITY).acceptRefundSignature(refund.signature()).orThrow();
    return new Pair(payer, refund.channel());
  }

  private Future<?> saveAsync(PayerChannel channel) {
    return callers.submit(() -> store.savePayer(channel));
  }

  /**
   * Holds a lock that makes every insert into payment_channel wait, until the connection rolls
   * back.
   */
  private Connection lockChannelTable() throws Exception {
    Connection c = dataSource.getConnection();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE payment_channel IN SHARE MODE");
    }
    return c;
  }

  /**
   * Until the writer's transaction waits for the test's lock (so it has taken everything queued
   * before).
   */
  private void awaitWriterBlocked() throws Exception {
    await(
        () ->
            db.fetchCount(
                    db.selectOne()
                        .from("pg_stat_activity")
                        .where("wait_event_type = 'Lock' and datname = current_database()"))
                == 1);
    assertThat(store.queuedSaves()).isZero();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(5);
    }
  }

  private static void assertStored(Optional<PayerChannel> stored, PayerChannel expected) {
    PayerChannel s =
        stored.orElseThrow(() -> new AssertionError("no payer row for " + expected.channelId()));
    assertThat(s.terms()).isEqualTo(expected.terms());
    assertThat(s.state()).isEqualTo(expected.state());
    assertThat(s.spendingCapSats()).isEqualTo(expected.spendingCapSats());
    assertThat(s.refundPayeeSignature()).isEqualTo(expected.refundPayeeSignature());
    assertThat(s.sequence()).isEqualTo(expected.sequence());
    assertThat(s.payeeAmountSats()).isEqualTo(expected.payeeAmountSats());
    assertThat(s.payerSignature()).isEqualTo(expected.payerSignature());
  }

  private static void assertStored(Optional<PayeeChannel> stored, PayeeChannel expected) {
    PayeeChannel s =
        stored.orElseThrow(() -> new AssertionError("no payee row for " + expected.channelId()));
    assertThat(s.terms()).isEqualTo(expected.terms());
    assertThat(s.state()).isEqualTo(expected.state());
    assertThat(s.sequence()).isEqualTo(expected.sequence());
    assertThat(s.payeeAmountSats()).isEqualTo(expected.payeeAmountSats());
    assertThat(s.payerSignature()).isEqualTo(expected.payerSignature());
  }

  private List<Long> commitments(String channelId, String role) {
    return db.select(PAYMENT_CHANNEL_COMMITMENT.SEQUENCE)
        .from(PAYMENT_CHANNEL_COMMITMENT)
        .where(
            PAYMENT_CHANNEL_COMMITMENT
                .CHANNEL_ID
                .eq(channelId)
                .and(PAYMENT_CHANNEL_COMMITMENT.ROLE.eq(role)))
        .orderBy(PAYMENT_CHANNEL_COMMITMENT.SEQUENCE)
        .fetch(PAYMENT_CHANNEL_COMMITMENT.SEQUENCE);
  }
}
