package io.peerwatt.settlement.analytics;

import java.util.random.RandomGenerator;

/**
 * Integer noise with P(y) proportional to exp(-|y| s / t): the discrete Laplace (two-sided
 * geometric) distribution of scale t/s, which makes an integer answer of sensitivity D
 * epsilon-differentially private at t/s = D / epsilon. Sampled exactly with integers only (Canonne,
 * Kamath and Steinke, "The Discrete Gaussian for Differential Privacy", 2020, algorithms 1 and 2),
 * so no floating-point rounding shapes the noise; the bits come from the generator given, a {@link
 * java.security.SecureRandom} in the platform.
 */
public final class DiscreteLaplace {
  private final RandomGenerator random;

  public DiscreteLaplace(RandomGenerator random) {
    this.random = random;
  }

  /** One draw of scale {@code t / s} (both positive). */
  public long sample(long t, long s) {
    if (t <= 0 || s <= 0) {
      throw new IllegalArgumentException("scale t/s needs positive t and s: " + t + "/" + s);
    }
    while (true) {
      long u = random.nextLong(t);
      if (!bernoulliExpMinus(u, t)) {
        continue;
      }
      long v = 0;
      while (bernoulliExpMinus(1, 1)) {
        v++;
      }
      long x = Math.addExact(u, Math.multiplyExact(t, v));
      long y = x / s;
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** True with probability exp(-n/d), for 0 <= n/d <= 1. */
  private boolean bernoulliExpMinus(long n, long d) {
    long k = 1;
    // exp(-g) = P(the first k with not Bernoulli(g/k) is odd)
    while (random.nextLong(Math.multiplyExact(d, k)) < n) {
      k++;
    }
    return k % 2 == 1;
  }
}
