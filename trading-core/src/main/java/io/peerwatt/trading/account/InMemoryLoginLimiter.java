package io.peerwatt.trading.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link LoginLimiter} of one platform process: a sliding window (one minute) of attempts per
 * username and per client address. An attempt counts from the moment it is admitted, so attempts
 * still being checked count too; a success removes its attempt again. In memory: a restart forgets
 * it, which only ever helps a legitimate user. Its clock is the platform's security clock: real
 * time, never the demo's accelerated one.
 */
public final class InMemoryLoginLimiter implements LoginLimiter {
  static final Duration WINDOW = Duration.ofMinutes(1);

  /** Keys kept at most, so a flood of random usernames cannot exhaust memory. */
  private static final int MAX_KEYS = 100_000;

  private final int maxPerUser;
  private final int maxPerAddress;
  private final Clock clock;
  private final Map<String, Deque<Instant>> attempts = new HashMap<>();

  /**
   * @param maxPerUser failed attempts allowed per username in the window
   * @param maxPerAddress failed attempts allowed per client address in the window
   */
  public InMemoryLoginLimiter(int maxPerUser, int maxPerAddress, Clock clock) {
    if (maxPerUser < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException("login limits must be positive");
    }
    this.maxPerUser = maxPerUser;
    this.maxPerAddress = maxPerAddress;
    this.clock = clock;
  }

  @Override
  public synchronized Admission admit(String username, String address) {
    Instant now = clock.instant();
    String user = "u:" + username;
    String from = "a:" + address;
    Duration wait = max(waitFor(user, maxPerUser, now), waitFor(from, maxPerAddress, now));
    if (!wait.isZero()) {
      return new Refused(wait);
    }
    if (attempts.size() >= MAX_KEYS) {
      attempts.values().removeIf(q -> prune(q, now).isEmpty());
    }
    attempts.computeIfAbsent(user, k -> new ArrayDeque<>()).addLast(now);
    attempts.computeIfAbsent(from, k -> new ArrayDeque<>()).addLast(now);
    return new Taken(user, from, now);
  }

  private final class Taken implements Slot {
    private final String user;
    private final String from;
    private final Instant at;
    private boolean settled;

    Taken(String user, String from, Instant at) {
      this.user = user;
      this.from = from;
      this.at = at;
    }

    @Override
    public void succeeded() {
      synchronized (InMemoryLoginLimiter.this) {
        if (settle()) {
          // one address may front many people: a success gives back only its own slot
          attempts.remove(user);
          Deque<Instant> q = attempts.get(from);
          if (q != null) {
            q.removeFirstOccurrence(at);
          }
        }
      }
    }

    @Override
    public void failed() {
      synchronized (InMemoryLoginLimiter.this) {
        settle();
      }
    }

    private boolean settle() {
      boolean first = !settled;
      settled = true;
      return first;
    }
  }

  private Duration waitFor(String key, int max, Instant now) {
    Deque<Instant> q = attempts.get(key);
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

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
