package io.peerwatt.settlement.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiscreteLaplaceTest {
  /**
   * The shape that makes the noise private: P(y + 1) / P(y) = exp(-s/t) for y >= 0, and P(-y) =
   * P(y). Counted over many draws of a seeded generator, so the test is repeatable; a wrong scale
   * (t/s swapped, sensitivity doubled) moves the ratios far outside the tolerance.
   */
  @Test
  void drawsTwoSidedGeometricNoiseOfTheStatedScale() {
    DiscreteLaplace noise = new DiscreteLaplace(new SplittableRandom(20261206L));
    long t = 2_000; // scale t/s = 2: epsilon 1/2 for sensitivity 1
    long s = 1_000;
    int draws = 200_000;
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 0; i < draws; i++) {
      counts.merge(noise.sample(t, s), 1, Integer::sum);
    }
    double ratio = Math.exp(-(double) s / t);
    for (long y = 0; y < 4; y++) {
      double observed = (double) counts.get(y + 1) / counts.get(y);
      assertThat(observed).isCloseTo(ratio, org.assertj.core.data.Offset.offset(0.03));
      double mirror = (double) counts.get(-(y + 1)) / counts.get(y + 1);
      assertThat(mirror).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
    }
    // P(0) = (1 - r) / (1 + r)
    assertThat((double) counts.get(0L) / draws)
        .isCloseTo((1 - ratio) / (1 + ratio), org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void refusesAScaleThatIsNotPositive() {
    DiscreteLaplace noise = new DiscreteLaplace(new SplittableRandom(1));
    assertThatThrownBy(() -> noise.sample(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> noise.sample(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
