package io.peerwatt.deploy;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.market.ClusterOrderBooks;
import io.peerwatt.cluster.market.ZoneOwner;
import io.peerwatt.cluster.market.ZoneResultsProjector;
import io.peerwatt.cluster.market.ZoneShards;
import io.peerwatt.cluster.market.ZoneTopics;
import io.peerwatt.db.Database;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.market.MarketEngine;
import io.peerwatt.trading.market.MarketZones;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market of a node of a cluster: the zone topics (created at the first start), the books every
 * API and market node sends orders to ({@link ClusterOrderBooks}), and on a node with the market
 * role this node's {@link ZoneOwner} and {@link ZoneResultsProjector}, each on a thread of its own.
 */
final class ClusterMarket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMarket.class);

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** How long the zone topics may take to show in the cluster's metadata once created. */
  private static final Duration TOPICS_VISIBLE_WITHIN = Duration.ofSeconds(15);

  private final ClusterSettings cluster;
  private final ClusterOrderBooks books;
  private final List<AutoCloseable> workers;
  private final List<Thread> threads;

  private ClusterMarket(
      ClusterSettings cluster,
      ClusterOrderBooks books,
      List<AutoCloseable> workers,
      List<Thread> threads) {
    this.cluster = cluster;
    this.books = books;
    this.workers = workers;
    this.threads = threads;
  }

  /**
   * Creates the zone topics if absent and starts this node's part of the market on a node with
   * Kafka and the api or market role; null on any other.
   *
   * @throws UserError when the topics exist with another partition count, or Kafka cannot be
   *     reached
   */
  static ClusterMarket start(PlatformSettings settings, Database database) {
    ClusterSettings cluster = settings.cluster();
    boolean market = cluster.runs(ClusterSettings.Role.MARKET);
    if (!cluster.kafka() || !(market || cluster.runs(ClusterSettings.Role.API))) {
      return null;
    }
    int partitions = settings.zonePartitions();
    ensureTopics(cluster.bootstrapServersConfig(), ZoneTopics.STANDARD, partitions);
    DSLContext dsl = database.dsl();
    ZoneShards shards = ZoneShards.inDatabase(partitions, dsl);
    ClusterOrderBooks books;
    try {
      books =
          new ClusterOrderBooks(
              ClusterOrderBooks.Settings.standard(
                  cluster.bootstrapServersConfig(), cluster.nodeId()),
              dsl,
              shards);
    } catch (KafkaException e) {
      throw new UserError("kafka.bootstrap-servers: " + e.getMessage(), e);
    }
    List<AutoCloseable> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    if (market) {
      MarketZones zones = new MarketZones(dsl);
      try {
        ZoneOwner owner =
            new ZoneOwner(
                ZoneOwner.Settings.standard(
                    cluster.bootstrapServersConfig(), cluster.nodeId(), shards),
                zones::zone,
                new ZoneOwner.Listener() {});
        workers.add(owner);
        threads.add(new Thread(owner, "zone-owner-" + cluster.nodeId()));
        ZoneResultsProjector projector =
            new ZoneResultsProjector(
                ZoneResultsProjector.Settings.standard(cluster.bootstrapServersConfig()),
                dsl,
                zones);
        workers.add(projector);
        threads.add(new Thread(projector, "zone-projector-" + cluster.nodeId()));
      } catch (RuntimeException e) {
        books.close();
        throw e;
      }
      threads.forEach(Thread::start);
    }
    log.info(
        "Node {}: orders go to the zone shards on Kafka ({} partitions){}",
        cluster.nodeId(),
        partitions,
        market ? "; this node owns shards and projects their results" : "");
    return new ClusterMarket(cluster, books, workers, threads);
  }

  /**
   * The market this node's API builds: the cluster's books; with the market role, gate closures and
   * its turns at the standing rules.
   */
  Function<DSLContext, Market> markets() {
    Market.Schedule schedule =
        cluster.runs(ClusterSettings.Role.MARKET) ? Market.Schedule.SHARED : Market.Schedule.NONE;
    return dsl -> new Market(dsl, books, schedule);
  }

  /**
   * The market of a node of a cluster with neither the api nor the market role: nothing reaches its
   * books (its API answers 503) and it closes no gates and runs no standing rules.
   */
  static Market unscheduled(DSLContext dsl) {
    return new Market(dsl, new MarketEngine(dsl, new MarketZones(dsl)), Market.Schedule.NONE);
  }

  /**
   * Creates the three zone topics with {@code partitions} partitions each (replication: three, or
   * the broker count when fewer) unless they exist; refuses to go on when one exists with another
   * partition count, because a zone's commands would then change partitions.
   */
  static void ensureTopics(String bootstrapServers, ZoneTopics topics, int partitions) {
    Set<String> names = Set.of(topics.commands(), topics.results(), topics.snapshots());
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ADMIN_TIMEOUT.toMillis()))) {
      Map<String, Integer> existing = partitionCounts(admin, names);
      if (existing.isEmpty()) {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        short replication = (short) Math.min(3, brokers);
        try {
          topics.create(admin, partitions, replication);
          log.info(
              "Created the zone topics: {} partitions, replication factor {}",
              partitions,
              replication);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // another node created them at the same moment
        }
      }
      // a new topic reaches every broker's metadata a moment after its creation (ours or another
      // node's that is starting beside us)
      long deadline = System.nanoTime() + TOPICS_VISIBLE_WITHIN.toNanos();
      while (existing.size() < names.size() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        existing = partitionCounts(admin, names);
      }
      for (String name : names) {
        Integer count = existing.get(name);
        if (count == null) {
          throw new UserError(
              "Kafka topic "
                  + name
                  + " is missing while the other zone topics exist: create it with "
                  + partitions
                  + " partitions (kafka-topics.sh --create), or delete all three to start afresh");
        }
        if (count != partitions) {
          throw new UserError(
              "Kafka topic "
                  + name
                  + " has "
                  + count
                  + " partitions but kafka.zone-partitions is "
                  + partitions
                  + ": set kafka.zone-partitions="
                  + count
                  + " on every node (a zone's orders must stay on their partition)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while checking the zone topics", e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UserError(
          "kafka.bootstrap-servers: could not check the zone topics: " + cause.getMessage(), e);
    }
  }

  /** The partition count of each of {@code names} that exists. */
  private static Map<String, Integer> partitionCounts(Admin admin, Set<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Integer> counts = new HashMap<>();
    var described = admin.describeTopics(names).topicNameValues();
    for (String name : names) {
      try {
        TopicDescription d = described.get(name).get(30, TimeUnit.SECONDS);
        counts.put(name, d.partitions().size());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    return counts;
  }

  /** Stops the owner and the projector (their shards go to other nodes), then the books. */
  @Override
  public void close() {
    for (AutoCloseable worker : workers) {
      try {
        worker.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed: {}", worker.getClass().getSimpleName(), e.toString());
      }
    }
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    books.close();
  }
}
