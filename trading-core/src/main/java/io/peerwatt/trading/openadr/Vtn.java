package io.peerwatt.trading.openadr;

import io.peerwatt.http.BearerTokens;
import io.peerwatt.http.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenADR 3.1.0 VTN as the platform wires it: its contract, client credentials, tokens, objects
 * and routes, and the worker that delivers subscription notifications.
 */
public final class Vtn implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Vtn.class);

  /** How often the notification worker looks whether a callback is due (in memory). */
  static final Duration DELIVERY_EVERY = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final VtnClients clients;
  private final VtnObjects objects;
  private final Router router;
  private final long deliveryTimer;

  private Vtn(
      Vertx vertx, VtnClients clients, VtnObjects objects, Router router, long deliveryTimer) {
    this.vertx = vertx;
    this.clients = clients;
    this.objects = objects;
    this.router = router;
    this.deliveryTimer = deliveryTimer;
  }

  /**
   * Loads the document and starts the notification worker.
   *
   * @param objects the VTN's objects (with the flexibility requests' intake of events)
   * @param jwtSecret the platform's token secret (VTN tokens have their own issuer)
   * @param logins the login tokens, so that a utility's works as a BL client's
   * @param clock the platform's time: issued credentials
   */
  public static Future<Vtn> start(
      Vertx vertx,
      DSLContext dsl,
      VtnObjects objects,
      byte[] jwtSecret,
      Duration tokenLifetime,
      BearerTokens logins,
      Blocking blocking,
      Clock clock,
      int bodyLimitBytes) {
    return VtnContract.load(vertx)
        .map(
            contract -> {
              VtnClients clients = new VtnClients(dsl, new SecureRandom(), clock);
              VtnRoutes routes =
                  new VtnRoutes(
                      vertx,
                      contract,
                      new VtnTokens(vertx, jwtSecret, tokenLifetime, logins),
                      clients,
                      objects,
                      blocking);
              Notifications notifications = objects.notifications();
              AtomicBoolean delivering = new AtomicBoolean();
              long timer =
                  vertx.setPeriodic(
                      DELIVERY_EVERY.toMillis(),
                      id -> {
                        // one round at a time: a slow callback must not pile rounds up
                        if (notifications.due() && delivering.compareAndSet(false, true)) {
                          blocking
                              .run(notifications::deliverDue)
                              .onFailure(e -> log.warn("OpenADR notification round failed", e))
                              .onComplete(done -> delivering.set(false));
                        }
                      });
              return new Vtn(vertx, clients, objects, routes.router(vertx, bodyLimitBytes), timer);
            });
  }

  /** The VTN's router, to mount at {@link VtnContract#BASE_PATH}. */
  public Router router() {
    return router;
  }

  /** The client credentials: BL clients issued by operators, VENs by gateways. */
  public VtnClients clients() {
    return clients;
  }

  /** The VTN's objects (programs, events, reports, ...). */
  public VtnObjects objects() {
    return objects;
  }

  /** Stops the notification worker (what it has not delivered stays queued). */
  @Override
  public void close() {
    vertx.cancelTimer(deliveryTimer);
  }
}
