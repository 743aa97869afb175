package io.peerwatt.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an HTTP server reachable when clients open connections and never finish their requests
 * (issue 14, item 7: 21,000 half-sent requests exhausted the file descriptors).
 *
 * <ul>
 *   <li>A connection with no traffic either way for the idle timeout is closed (Vert.x's idle
 *       timeout; a server-sent event stream's heartbeat keeps its connection alive).
 *   <li>A connection that has not delivered a complete request head (request line and headers)
 *       within the header timeout of opening is closed, so a client trickling a byte at a time
 *       cannot outlast the idle timeout. Later requests on a kept-alive connection are bounded by
 *       the idle timeout.
 *   <li>At most {@code maxConnections} connections are served. A connection beyond the limit must
 *       present its request head within {@link #OVER_LIMIT_GRACE}; it is answered 503 with {@code
 *       Retry-After} and closed, except for the exempt paths ({@code /health}), which are answered
 *       as usual and then closed. A prober therefore reaches {@code /health} on the same address
 *       while attackers hold every regular slot, and an attacker's connections beyond the limit
 *       cost a file descriptor for at most a second.
 * </ul>
 */
public final class ConnectionGuard {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  /** How long a connection beyond the limit may take to present its request head. */
  public static final Duration OVER_LIMIT_GRACE = Duration.ofSeconds(1);

  /** Seconds a client refused for the connection limit is told to wait. */
  private static final String RETRY_AFTER_SECONDS = "5";

  /**
   * @param maxConnections connections served as usual; beyond them only the exempt paths answer
   * @param idleTimeout a connection with no traffic this long is closed
   * @param headerTimeout a connection whose first request head has not arrived this long after
   *     opening is closed
   */
  public record Limits(int maxConnections, Duration idleTimeout, Duration headerTimeout) {
    public Limits {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1");
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive");
      }
      if (headerTimeout.isNegative() || headerTimeout.isZero()) {
        throw new IllegalArgumentException("headerTimeout must be positive");
      }
    }
  }

  /** What the guard knows of one open connection; touched only on its event loop. */
  private static final class Tracked {
    final boolean overLimit;
    long headerTimer;

    Tracked(boolean overLimit) {
      this.overLimit = overLimit;
    }
  }

  private final Vertx vertx;
  private final Limits limits;
  private final Set<String> exemptPaths;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean saturated = new AtomicBoolean();
  private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();

  /**
   * @param exemptPaths request paths answered even beyond the connection limit (cheap, read-only
   *     ones such as {@code /health})
   */
  public ConnectionGuard(Vertx vertx, Limits limits, Set<String> exemptPaths) {
    this.vertx = vertx;
    this.limits = limits;
    this.exemptPaths = Set.copyOf(exemptPaths);
  }

  /**
   * {@code options} with the idle timeout set and HTTP/2 upgrade over plain text (h2c) off: with it
   * on, Vert.x hands a connection over only once its first request head is complete, so a half-sent
   * connection would be neither counted nor timed.
   */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** Installs the guard on {@code server} in front of {@code requests}; returns the server. */
  public HttpServer install(HttpServer server, Handler<HttpServerRequest> requests) {
    return server.connectionHandler(this::opened).requestHandler(req -> admit(req, requests));
  }

  /** Connections open now. */
  public int openConnections() {
    return open.get();
  }

  public Limits limits() {
    return limits;
  }

  private void opened(HttpConnection connection) {
    boolean overLimit = open.incrementAndGet() > limits.maxConnections();
    if (overLimit && saturated.compareAndSet(false, true)) {
      log.warn(
          "{} connections open: beyond the limit only {} are answered, everything else 503",
          limits.maxConnections(),
          exemptPaths);
    }
    Tracked tracked = new Tracked(overLimit);
    Duration wait = overLimit ? OVER_LIMIT_GRACE : limits.headerTimeout();
    tracked.headerTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> connection.close());
    connections.put(connection, tracked);
    connection.closeHandler(
        v -> {
          Tracked gone = connections.remove(connection);
          if (gone != null) {
            vertx.cancelTimer(gone.headerTimer);
            // logged again only well below the limit, so a server at the edge logs once
            if (open.decrementAndGet() < limits.maxConnections() * 9L / 10
                && saturated.compareAndSet(true, false)) {
              log.info("connections back under the limit of {}", limits.maxConnections());
            }
          }
        });
  }

  private void admit(HttpServerRequest req, Handler<HttpServerRequest> requests) {
    Tracked tracked = connections.get(req.connection());
    if (tracked == null) {
      // not opened through this guard's server (e.g. an HTTP/2 stream): nothing to limit
      requests.handle(req);
      return;
    }
    vertx.cancelTimer(tracked.headerTimer);
    if (!tracked.overLimit) {
      requests.handle(req);
      return;
    }
    HttpConnection connection = req.connection();
    req.response().endHandler(v -> connection.close());
    if (exemptPaths.contains(req.path())) {
      req.response().putHeader("connection", "close");
      requests.handle(req);
      return;
    }
    req.response()
        .setStatusCode(503)
        .putHeader("content-type", "application/json")
        .putHeader("retry-after", RETRY_AFTER_SECONDS)
        .putHeader("connection", "close")
        .end(
            new JsonObject()
                .put("error", "SERVER_BUSY")
                .put("message", "too many open connections; try again shortly")
                .encode());
  }
}
