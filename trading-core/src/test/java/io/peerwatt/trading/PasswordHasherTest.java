package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.account.LoginLimiter;
import io.peerwatt.trading.account.PasswordHasher;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
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
  void limiterCountsFailuresPerUserAndPerAddressOverASlidingMinute() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    LoginLimiter limiter = new LoginLimiter(2, 3, clock);
    limiter.failed("ann", "10.0.0.1");
    limiter.failed("ann", "10.0.0.2");
    assertThat(limiter.retryAfter("ann", "10.0.0.9")).isEqualTo(Duration.ofMinutes(1));
    assertThat(limiter.retryAfter("ben", "10.0.0.1")).isZero();
    limiter.failed("ben", "10.0.0.1");
    limiter.failed("cat", "10.0.0.1");
    assertThat(limiter.retryAfter("dan", "10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(30));
    assertThat(limiter.retryAfter("ann", "10.0.0.9")).isEqualTo(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));
    assertThat(limiter.retryAfter("ann", "10.0.0.9")).isZero();
    assertThat(limiter.retryAfter("dan", "10.0.0.1")).isZero();
  }
}
