package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.account.InMemoryLoginLimiter;
import io.peerwatt.trading.account.LoginLimiter;
import io.peerwatt.trading.account.PasswordHasher;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Argon2id hashes and the login limiter, without a database. */
class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

  @Test
  void hashesAreSaltedArgon2idWithTheirParameters() {
    String a = hasher.hash("correct horse battery staple");
    String b = hasher.hash("correct horse battery staple");
    assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
    assertThat(hasher.verify("correct horse battery staple", a)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", a)).isFalse();
  }

  @Test
  void malformedOrForeignHashesNeverVerify() {
    String good = hasher.hash("pw");
    assertThat(hasher.verify("pw", good.replace("argon2id", "argon2i"))).isFalse();
    assertThat(hasher.verify("pw", good.replace("m=19456", "m=1"))).isFalse();
    assertThat(hasher.verify("pw", "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
    assertThat(hasher.verify("pw", good.substring(0, good.lastIndexOf('$')) + "$!!")).isFalse();
  }

  @Test
  void limiterCountsAttemptsPerUserAndPerAddressOverASlidingMinute() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    LoginLimiter limiter = new InMemoryLoginLimiter(2, 3, clock);
    slot(limiter, "ann", "10.0.0.1").failed();
    slot(limiter, "ann", "10.0.0.2").failed();
    assertThat(limiter.admit("ann", "10.0.0.9"))
        .isEqualTo(new LoginLimiter.Refused(Duration.ofMinutes(1)));
    slot(limiter, "ben", "10.0.0.1").failed();
    slot(limiter, "cat", "10.0.0.1").failed();
    assertThat(limiter.admit("dan", "10.0.0.1"))
        .isEqualTo(new LoginLimiter.Refused(Duration.ofMinutes(1)));
    clock.advance(Duration.ofSeconds(30));
    assertThat(limiter.admit("ann", "10.0.0.9"))
        .isEqualTo(new LoginLimiter.Refused(Duration.ofSeconds(30)));
    clock.advance(Duration.ofSeconds(31));
    assertThat(limiter.admit("ann", "10.0.0.9")).isInstanceOf(LoginLimiter.Slot.class);
    assertThat(limiter.admit("dan", "10.0.0.1")).isInstanceOf(LoginLimiter.Slot.class);
  }

  @Test
  void anAttemptBeingCheckedHoldsItsSlotAndASuccessGivesItsAddressSlotBack() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    LoginLimiter limiter = new InMemoryLoginLimiter(2, 3, clock);
    LoginLimiter.Slot first = slot(limiter, "ann", "10.0.0.1");
    LoginLimiter.Slot second = slot(limiter, "ann", "10.0.0.1");
    // two attempts still being checked: a third is refused before any password is verified
    assertThat(limiter.admit("ann", "10.0.0.1")).isInstanceOf(LoginLimiter.Refused.class);
    first.succeeded();
    second.succeeded();
    // many people behind one address logging in correctly never lock it
    for (int i = 0; i < 10; i++) {
      slot(limiter, "user" + i, "10.0.0.1").succeeded();
    }
    assertThat(limiter.admit("zoe", "10.0.0.1")).isInstanceOf(LoginLimiter.Slot.class);
  }

  @Property(tries = 20)
  void aBurstFromManyThreadsGetsNoMoreSlotsThanTheLimit(
      @ForAll @IntRange(min = 1, max = 8) int perUser,
      @ForAll @IntRange(min = 2, max = 8) int threads)
      throws Exception {
    LoginLimiter limiter = new InMemoryLoginLimiter(perUser, 1000, new MutableClock(Instant.EPOCH));
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        done.add(
            pool.submit(
                () -> {
                  if (limiter.admit("ann", "10.0.0.1") instanceof LoginLimiter.Slot s) {
                    admitted.incrementAndGet();
                    s.failed();
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(admitted).hasValue(perUser);
  }

  private static LoginLimiter.Slot slot(LoginLimiter limiter, String user, String address) {
    return (LoginLimiter.Slot) limiter.admit(user, address);
  }
}
