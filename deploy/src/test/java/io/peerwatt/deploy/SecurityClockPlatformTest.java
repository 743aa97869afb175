package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 10: the platform's clock may run fast (the demo runs 60x, a minute of its time is
 * a real second), but the login limiter's window is real time. A running platform on real
 * PostgreSQL whose clock the test moves by an hour still refuses the locked-out username.
 */
class SecurityClockPlatformTest {
  @Test
  void theLoginLimitersWindowRunsOnRealTimeNotOnThePlatformsClock(@TempDir Path dataDir)
      throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    MutableClock clock = new MutableClock(Instant.now());
    try (PlatformHarness h = PlatformHarness.start(PlatformHarness.settings(dataDir), clock)) {
      JsonObject wrong = new JsonObject().put("username", "ops").put("password", "wrong-password");
      for (int i = 0; i < 5; i++) {
        assertThat(h.api.post("/auth/login", null, wrong).statusCode()).isEqualTo(401);
      }
      assertThat(h.api.post("/auth/login", null, wrong).statusCode()).isEqualTo(429);
      // an hour of platform time, a few milliseconds of real time
      clock.advance(Duration.ofHours(1));
      JsonObject right =
          new JsonObject().put("username", "ops").put("password", PlatformHarness.OPS_PASSWORD);
      assertThat(h.api.post("/auth/login", null, right).statusCode()).isEqualTo(429);
    }
  }
}
