package io.peerwatt.deploy;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.db.Database;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.market.Market;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.BindException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code peerwatt platform}: the database, Vert.x and the HTTP server with the API and
 * the operational endpoints. {@link #start} blocks until it serves; {@link #close} stops
 * everything.
 */
public final class Platform implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Platform.class);

  private final Database database;
  private final Vertx vertx;
  private final HttpServer server;
  private final PlatformSettings settings;
  private final SettlementRuntime settlement;
  private final Clock clock;
  private final PlatformKeys keys;
  private final ClusterIngest clusterIngest;
  private final ClusterSettlement clusterSettlement;
  private final ClusterMarket clusterMarket;

  private Platform(
      Database database,
      Vertx vertx,
      HttpServer server,
      PlatformSettings settings,
      SettlementRuntime settlement,
      Clock clock,
      PlatformKeys keys,
      ClusterIngest clusterIngest,
      ClusterSettlement clusterSettlement,
      ClusterMarket clusterMarket) {
    this.database = database;
    this.vertx = vertx;
    this.server = server;
    this.settings = settings;
    this.settlement = settlement;
    this.clock = clock;
    this.keys = keys;
    this.clusterIngest = clusterIngest;
    this.clusterSettlement = clusterSettlement;
    this.clusterMarket = clusterMarket;
  }

  /** Starts the platform on the system clock and the embedded devnet. */
  public static Platform start(PlatformSettings settings) {
    return start(settings, ChainSettings.devnet(), Clock.systemUTC());
  }

  /**
   * Starts the platform with {@code clock} as its time (the market, ingestion, settlement and the
   * devnet all read it; the demo passes an accelerated one).
   *
   * @throws UserError when the database cannot be reached or the port is taken
   */
  public static Platform start(
      PlatformSettings settings, ChainSettings chainSettings, Clock clock) {
    Database database;
    try {
      database = Database.start(settings.database());
    } catch (io.peerwatt.db.DatabaseUnavailableException e) {
      throw new UserError(e.getMessage(), e);
    }
    PlatformSettings.SettlementSettings ss = settings.settlement();
    PlatformKeys keys;
    SettlementRuntime settlement;
    try {
      // made on first start; the signing key signs device certificates and proof bundles
      keys = PlatformKeys.loadOrCreate(settings.trading(), new SecureRandom());
      settlement =
          SettlementRuntime.start(
              database,
              chainSettings.open(database.dsl(), clock),
              clock,
              settings.dataDir(),
              keys.signingKey(),
              ss.satPerEur(),
              ss.channelCapacitySats(),
              ss.blockInterval(),
              ss.passInterval(),
              settings.cluster().runs(ClusterSettings.Role.SETTLEMENT),
              ClusterSettlement.runs(settings.cluster()));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    ClusterIngest clusterIngest = null;
    ClusterSettlement clusterSettlement = null;
    ClusterMarket clusterMarket = null;
    try {
      clusterIngest = ClusterIngest.start(settings, database, clock);
      clusterMarket = ClusterMarket.start(settings, database);
      clusterSettlement =
          ClusterSettlement.start(settings.cluster(), database, settlement.anchoring(), clock);
      HttpVerticle http =
          new HttpVerticle(
              settings,
              database,
              registry,
              clock,
              settlement,
              keys,
              clusterIngest == null ? null : clusterIngest.uploads(),
              clusterMarket != null
                  ? clusterMarket.markets()
                  : settings.cluster().kafka() ? ClusterMarket::unscheduled : Market::new);
      await(vertx.deployVerticle(http));
      HttpServer server = http.server();
      Platform platform =
          new Platform(
              database,
              vertx,
              server,
              settings,
              settlement,
              clock,
              keys,
              clusterIngest,
              clusterSettlement,
              clusterMarket);
      log.info(
          "PeerWatt platform listening on {} (chain {})",
          platform.baseUrl(),
          settlement.chain().network());
      return platform;
    } catch (RuntimeException e) {
      await(vertx.close());
      if (clusterMarket != null) {
        clusterMarket.close();
      }
      if (clusterIngest != null) {
        clusterIngest.close();
      }
      if (clusterSettlement != null) {
        clusterSettlement.close();
      }
      settlement.close();
      database.close();
      if (causedBy(e, BindException.class)
          || String.valueOf(e.getMessage()).contains("Address already in use")) {
        throw new UserError(
            "port "
                + settings.httpPort()
                + " on "
                + settings.httpHost()
                + " is already in use: choose another with --port or PEERWATT_HTTP_PORT",
            e);
      }
      throw e;
    }
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    String host = settings.httpHost().equals("0.0.0.0") ? "127.0.0.1" : settings.httpHost();
    return "http://" + host + ":" + port();
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PlatformSettings settings() {
    return settings;
  }

  /** The public key of the platform's signing key: what verifiers of its proof bundles trust. */
  public PublicKey platformKey() {
    return keys.signingKey().publicKey();
  }

  /** The platform's time. */
  public Clock clock() {
    return clock;
  }

  public SettlementRuntime settlement() {
    return settlement;
  }

  @Override
  public void close() {
    try {
      await(vertx.close());
      if (clusterMarket != null) {
        clusterMarket.close();
      }
      if (clusterIngest != null) {
        clusterIngest.close();
      }
    } finally {
      try {
        if (clusterSettlement != null) {
          clusterSettlement.close();
        }
      } finally {
        try {
          settlement.close();
        } finally {
          database.close();
        }
      }
    }
    log.info("PeerWatt platform stopped");
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after 60 s", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Vert.x rethrows a failed future's cause as it is, checked ones (a BindException) too
      throw new IllegalStateException(e);
    }
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
