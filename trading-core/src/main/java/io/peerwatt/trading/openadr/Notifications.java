package io.peerwatt.trading.openadr;

import static io.peerwatt.db.schema.Tables.OPENADR_NOTIFICATION;
import static io.peerwatt.db.schema.Tables.OPENADR_OBJECT;

import io.peerwatt.db.schema.tables.records.OpenadrNotificationRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscription callbacks: {@link #queue} writes one {@code notification} per matching subscription
 * in the transaction of the change; {@link #deliverDue} (a worker, never a request) posts them to
 * their {@code callbackUrl} with the subscription's {@code bearerToken}, and retries a failed one
 * with a doubling wait until {@link #MAX_ATTEMPTS}. Blocking.
 */
public final class Notifications {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  /** Attempts before a notification is abandoned (waits 5 s, 10 s, ... about 10 min in all). */
  static final int MAX_ATTEMPTS = 8;

  /** The first retry's wait; each next one doubles it. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  /** Most notifications posted per round. */
  static final int BATCH = 50;

  private final DSLContext dsl;
  private final Clock clock;
  private final HttpClient http;

  /** Whether callbacks may go to loopback, private or link-local addresses. */
  private final boolean privateCallbacks;

  /** Counts {@link #wake} calls, so a round cannot overwrite a wake that came during it. */
  private final AtomicLong wakes = new AtomicLong();

  /**
   * When the next notification is due; null when none is pending. Starts due, so the first round
   * finds what an earlier run left. The worker touches the database only when something is due.
   */
  private volatile Instant nextDue = Instant.MIN;

  /**
   * @param privateCallbacks whether callbacks may go to loopback, private or link-local addresses
   *     (a platform on loopback only); otherwise such a callback fails without being sent, so no
   *     OpenADR client can make the platform post to a host inside its network
   */
  public Notifications(DSLContext dsl, Clock clock, boolean privateCallbacks) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = clock;
    this.privateCallbacks = privateCallbacks;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Something may have been queued (call after the transaction commits). */
  public void wake() {
    wakes.incrementAndGet();
    nextDue = Instant.MIN;
  }

  /** Whether a round has something to do. */
  public boolean due() {
    Instant due = nextDue;
    return due != null && !clock.instant().isBefore(due);
  }

  /**
   * Queues the notification of {@code operation} on {@code object} for every subscription that asks
   * for it: its objectOperations name the type and the operation, its programID (if any) is the
   * object's program, its targets (if any) meet the object's, and its client may see the object.
   */
  static void queue(
      DSLContext db, ObjectType type, String operation, JsonObject object, Instant now) {
    String programId =
        type == ObjectType.PROGRAM ? object.getString("id") : programOf(db, type, object);
    Set<String> objectTargets = new HashSet<>(VtnObjects.strings(object.getJsonArray("targets")));
    for (var sub :
        db.select(OPENADR_OBJECT.ID, OPENADR_OBJECT.BODY)
            .from(OPENADR_OBJECT)
            .where(OPENADR_OBJECT.OBJECT_TYPE.eq(ObjectType.SUBSCRIPTION.name()))
            .fetch()) {
      JsonObject subscription = new JsonObject(sub.value2().data());
      String wantedProgram = subscription.getString("programID");
      if (wantedProgram != null && !wantedProgram.equals(programId)) {
        continue;
      }
      List<String> wantedTargets = VtnObjects.strings(subscription.getJsonArray("targets"));
      if (!wantedTargets.isEmpty()
          && !objectTargets.isEmpty()
          && wantedTargets.stream().noneMatch(objectTargets::contains)) {
        continue;
      }
      if (!maySee(db, subscription.getString("clientID"), type, object, objectTargets)) {
        continue;
      }
      for (Object o : subscription.getJsonArray("objectOperations")) {
        JsonObject wanted = (JsonObject) o;
        if (wanted.getJsonArray("objects").contains(type.name())
            && wanted.getJsonArray("operations").contains(operation)) {
          JsonObject body =
              new JsonObject()
                  .put("objectType", type.name())
                  .put("operation", operation)
                  .put("object", object);
          if (!objectTargets.isEmpty()) {
            body.put("targets", new JsonArray(List.copyOf(objectTargets)));
          }
          db.insertInto(OPENADR_NOTIFICATION)
              .set(OPENADR_NOTIFICATION.SUBSCRIPTION_ID, sub.value1())
              .set(OPENADR_NOTIFICATION.CALLBACK_URL, wanted.getString("callbackUrl"))
              .set(OPENADR_NOTIFICATION.BEARER_TOKEN, wanted.getString("bearerToken"))
              .set(OPENADR_NOTIFICATION.BODY, JSONB.valueOf(body.encode()))
              .set(OPENADR_NOTIFICATION.ATTEMPTS, 0)
              .set(OPENADR_NOTIFICATION.NEXT_ATTEMPT_AT, now)
              .set(OPENADR_NOTIFICATION.CREATED_AT, now)
              .execute();
        }
      }
    }
  }

  /** The program an event, subscription or report belongs to (a report: its event's). */
  static String programOf(DSLContext db, ObjectType type, JsonObject object) {
    return switch (type) {
      case EVENT, SUBSCRIPTION -> object.getString("programID");
      case REPORT ->
          db.select(OPENADR_OBJECT.PROGRAM_ID)
              .from(OPENADR_OBJECT)
              .where(OPENADR_OBJECT.ID.eq(object.getString("eventID")))
              .fetchOne(OPENADR_OBJECT.PROGRAM_ID);
      default -> null;
    };
  }

  /** The privacy rule of reads, applied to the subscription's client. */
  private static boolean maySee(
      DSLContext db, String clientId, ObjectType type, JsonObject object, Set<String> targets) {
    VtnCaller subscriber = VtnObjects.subscriber(db, clientId);
    if (subscriber.businessLogic()) {
      return true;
    }
    if (type.visibleByTargets()) {
      return targets.isEmpty()
          || VtnObjects.grantedTargets(db, clientId, subscriber.venName()).stream()
              .anyMatch(targets::contains);
    }
    return clientId.equals(object.getString("clientID"));
  }

  /** Posts the notifications that are due; answers how many were delivered. */
  public int deliverDue() {
    long wakesBefore = wakes.get();
    Instant now = clock.instant();
    List<OpenadrNotificationRecord> due =
        dsl.selectFrom(OPENADR_NOTIFICATION)
            .where(OPENADR_NOTIFICATION.DELIVERED_AT.isNull())
            .and(OPENADR_NOTIFICATION.ABANDONED_AT.isNull())
            .and(OPENADR_NOTIFICATION.NEXT_ATTEMPT_AT.le(now))
            .orderBy(OPENADR_NOTIFICATION.ID)
            .limit(BATCH)
            .fetch();
    int delivered = 0;
    for (OpenadrNotificationRecord n : due) {
      String failure = post(n);
      int attempts = n.getAttempts() + 1;
      n.setAttempts(attempts);
      if (failure == null) {
        n.setDeliveredAt(clock.instant());
        n.setLastError(null);
        delivered++;
      } else {
        n.setLastError(failure.length() > 500 ? failure.substring(0, 500) : failure);
        if (attempts >= MAX_ATTEMPTS) {
          n.setAbandonedAt(clock.instant());
          log.warn(
              "OpenADR notification {} to {} abandoned after {} attempts: {}",
              n.getId(),
              n.getCallbackUrl(),
              attempts,
              failure);
        } else {
          n.setNextAttemptAt(clock.instant().plus(FIRST_RETRY.multipliedBy(1L << (attempts - 1))));
        }
      }
      n.update();
    }
    Instant next =
        dsl.select(DSL.min(OPENADR_NOTIFICATION.NEXT_ATTEMPT_AT))
            .from(OPENADR_NOTIFICATION)
            .where(OPENADR_NOTIFICATION.DELIVERED_AT.isNull())
            .and(OPENADR_NOTIFICATION.ABANDONED_AT.isNull())
            .fetchOne(0, Instant.class);
    if (wakes.get() == wakesBefore) {
      nextDue = next;
    }
    return delivered;
  }

  /** Null when the callback answered 2xx, else what went wrong. */
  private String post(OpenadrNotificationRecord n) {
    try {
      URI callback = URI.create(n.getCallbackUrl());
      String refused = refusal(callback);
      if (refused != null) {
        return refused;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(callback)
              .timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(n.getBody().data()));
      if (n.getBearerToken() != null) {
        request.header("Authorization", "Bearer " + n.getBearerToken());
      }
      HttpResponse<Void> response =
          http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** Null when the callback may be posted, else why not. */
  private String refusal(URI callback) throws UnknownHostException {
    String scheme = callback.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      return "callback scheme " + scheme + " refused: only http and https";
    }
    if (callback.getHost() == null) {
      return "callback has no host";
    }
    if (!privateCallbacks) {
      for (InetAddress address : InetAddress.getAllByName(callback.getHost())) {
        if (isPrivate(address)) {
          return "callback address "
              + address.getHostAddress()
              + " is not public: refused (openadr.private-callbacks)";
        }
      }
    }
    return null;
  }

  /**
   * Loopback, unspecified, private (RFC 1918), shared (100.64/10), link-local, unique-local
   * (fc00::/7) or multicast: an address inside someone's network rather than on the Internet.
   */
  static boolean isPrivate(InetAddress address) {
    byte[] b = address.getAddress();
    boolean shared = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    boolean zeroNetwork = b.length == 4 && b[0] == 0;
    boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
    return address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isSiteLocalAddress()
        || address.isLinkLocalAddress()
        || address.isMulticastAddress()
        || shared
        || zeroNetwork
        || uniqueLocal;
  }
}
