package io.peerwatt.trading.openadr;

import static io.peerwatt.db.schema.Tables.OPENADR_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(PostgresExtension.class)
class NotificationsTest {
  static TestDatabase db;
  static HttpServer callbacks;
  static final AtomicInteger posts = new AtomicInteger();
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    db = database;
    callbacks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callbacks.createContext(
        "/",
        exchange -> {
          posts.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    callbacks.start();
  }

  @AfterAll
  static void stop() {
    callbacks.stop(0);
  }

  @BeforeEach
  void emptyQueue() {
    db.dsl().deleteFrom(OPENADR_NOTIFICATION).execute();
    posts.set(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "::1", "fd00::1", "fe80::1", "::"
      })
  void addressesInsideANetworkArePrivate(String literal) throws Exception {
    assertThat(Notifications.isPrivate(InetAddress.getByName(literal))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "100.128.0.1", "172.32.0.1", "2001:4860:4860::8888"})
  void internetAddressesAreNot(String literal) throws Exception {
    assertThat(Notifications.isPrivate(InetAddress.getByName(literal))).isFalse();
  }

  @Test
  void aCallbackToALoopbackAddressIsRefusedUnsentUnlessAllowed() {
    long id = queue("http://127.0.0.1:" + callbacks.getAddress().getPort() + "/openadr");

    assertThat(new Notifications(db.dsl(), clock, false).deliverDue()).isZero();
    assertThat(posts).hasValue(0);
    var refused = db.dsl().fetchSingle(OPENADR_NOTIFICATION, OPENADR_NOTIFICATION.ID.eq(id));
    assertThat(refused.getDeliveredAt()).isNull();
    assertThat(refused.getLastError()).contains("127.0.0.1 is not public");

    clock.advance(Notifications.FIRST_RETRY);
    assertThat(new Notifications(db.dsl(), clock, true).deliverDue()).isEqualTo(1);
    assertThat(posts).hasValue(1);
  }

  @Test
  void onlyHttpCallbacksArePosted() {
    long id = queue("file:///etc/passwd");

    assertThat(new Notifications(db.dsl(), clock, true).deliverDue()).isZero();
    assertThat(
            db.dsl()
                .fetchSingle(OPENADR_NOTIFICATION, OPENADR_NOTIFICATION.ID.eq(id))
                .getLastError())
        .contains("scheme file refused");
  }

  private long queue(String callbackUrl) {
    return db.dsl()
        .insertInto(OPENADR_NOTIFICATION)
        .set(OPENADR_NOTIFICATION.SUBSCRIPTION_ID, "sub-1")
        .set(OPENADR_NOTIFICATION.CALLBACK_URL, callbackUrl)
        .set(OPENADR_NOTIFICATION.BODY, JSONB.valueOf("{\"objectType\":\"EVENT\"}"))
        .set(OPENADR_NOTIFICATION.ATTEMPTS, 0)
        .set(OPENADR_NOTIFICATION.NEXT_ATTEMPT_AT, clock.instant())
        .set(OPENADR_NOTIFICATION.CREATED_AT, clock.instant())
        .returning(OPENADR_NOTIFICATION.ID)
        .fetchOne()
        .getId();
  }
}
