package io.peerwatt.trading.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts failed logins per username and per client address over a sliding minute; once either has
 * reached its limit, further attempts are refused until the oldest failure leaves the window. Kept
 * in memory (one platform process); a restart forgets it, which only ever helps a legitimate user.
 */
public final class LoginLimiter {
  static final Duration WINDOW = Duration.ofMinutes(1);

  /** Keys kept at most, so a flood of random usernames cannot exhaust memory. */
  private static final int MAX_KEYS = 100_000;

  private final int maxPerUser;
  private final int maxPerAddress;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new HashMap<>();

  public LoginLimiter(int maxPerUser, int maxPerAddress, Clock clock) {
    this.maxPerUser = maxPerUser;
    this.maxPerAddress = maxPerAddress;
    this.clock = clock;
  }

  /** Zero when a login may be tried now, else how long to wait. */
  public synchronized Duration retryAfter(String username, String address) {
    Instant now = clock.instant();
    Duration wait = waitFor("u:" + username, maxPerUser, now);
    Duration waitAddress = waitFor("a:" + address, maxPerAddress, now);
    return wait.compareTo(waitAddress) >= 0 ? wait : waitAddress;
  }

  public synchronized void failed(String username, String address) {
    Instant now = clock.instant();
    if (failures.size() >= MAX_KEYS) {
      failures.values().removeIf(q -> prune(q, now).isEmpty());
    }
    failures.computeIfAbsent("u:" + username, k -> new ArrayDeque<>()).addLast(now);
    failures.computeIfAbsent("a:" + address, k -> new ArrayDeque<>()).addLast(now);
  }

  /**
   * A successful login clears its username's failures (not the address's: one address, many users).
   */
  public synchronized void succeeded(String username) {
    failures.remove("u:" + username);
  }

  private Duration waitFor(String key, int max, Instant now) {
    Deque<Instant> q = failures.get(key);
    if (q == null || prune(q, now).size() < max) {
      return Duration.ZERO;
    }
    return Duration.between(now, q.peekFirst().plus(WINDOW));
  }

  private static Deque<Instant> prune(Deque<Instant> q, Instant now) {
    Instant cutoff = now.minus(WINDOW);
    while (!q.isEmpty() && !q.peekFirst().isAfter(cutoff)) {
      q.pollFirst();
    }
    return q;
  }
}
