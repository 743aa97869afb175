package io.peerwatt.settlement.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.statement.Rounding;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RoundingTest {

  @Test
  void halvesGoToTheEvenNeighbour() {
    assertThat(div(5, 10)).isZero();
    assertThat(div(15, 10)).isEqualTo(2);
    assertThat(div(25, 10)).isEqualTo(2);
    assertThat(div(35, 10)).isEqualTo(4);
    assertThat(div(-5, 10)).isZero();
    assertThat(div(-15, 10)).isEqualTo(-2);
    assertThat(div(-25, 10)).isEqualTo(-2);
    assertThat(div(14, 10)).isEqualTo(1);
    assertThat(div(16, 10)).isEqualTo(2);
    assertThat(div(-16, 10)).isEqualTo(-2);
  }

  @Test
  void energyAmountsAreWhTimesPricePerKwhOverAThousand() {
    assertThat(Rounding.energyAmount(1, 1500)).isEqualTo(2); // 1.5 -> 2
    assertThat(Rounding.energyAmount(1, 2500)).isEqualTo(2); // 2.5 -> 2
    assertThat(Rounding.energyAmount(1000, 25_000)).isEqualTo(25_000);
    assertThat(Rounding.energyAmount(333, 30_000)).isEqualTo(9_990);
    assertThat(Rounding.energyAmount(1, -1500))
        .isEqualTo(-2); // negative prices round symmetrically
    // 10^12 Wh at 10^12 per kWh overflows a long product: computed exactly
    assertThat(Rounding.energyAmount(1_000_000_000_000L, 1_000_000L))
        .isEqualTo(1_000_000_000_000_000L);
  }

  @Property
  void neverFurtherThanHalfAUnitAndSymmetric(
      @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long n,
      @ForAll @LongRange(min = 1, max = 1_000_000L) long d) {
    long q = div(n, d);
    BigInteger err =
        BigInteger.valueOf(n)
            .subtract(BigInteger.valueOf(q).multiply(BigInteger.valueOf(d)))
            .abs()
            .shiftLeft(1);
    assertThat(err.compareTo(BigInteger.valueOf(d))).isLessThanOrEqualTo(0);
    assertThat(div(-n, d)).isEqualTo(-q);
  }

  private static long div(long n, long d) {
    return Rounding.divideHalfEven(BigInteger.valueOf(n), BigInteger.valueOf(d));
  }
}
