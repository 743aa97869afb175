package io.peerwatt.gateway.control;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** SunSpec scale factors and percentages, for {@link SunSpecController}. */
final class SunSpecScaling {
  private SunSpecScaling() {}

  static int scaleFactor(int raw, String name) throws ControlException {
    if (raw == SunSpecController.NOT_IMPLEMENTED_INT16) {
      throw new ControlException("the device does not implement " + name);
    }
    int sf = (short) raw;
    if (sf < -10 || sf > 10) {
      throw new ControlException(name + " is out of range: " + sf);
    }
    return sf;
  }

  static long scaled(int raw, int rawSf, String name) throws ControlException {
    if (raw == SunSpecController.NOT_IMPLEMENTED_UINT16) {
      throw new ControlException("the device does not implement " + name);
    }
    int sf = scaleFactor(rawSf, name + "_SF");
    return BigDecimal.valueOf(raw).scaleByPowerOfTen(sf).setScale(0, RoundingMode.DOWN).longValue();
  }

  /** {@code part / whole} in percent as a register value with scale factor {@code sf}. */
  static int percentRaw(long part, long whole, int sf) {
    return BigDecimal.valueOf(part)
        .multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(whole), 12, RoundingMode.HALF_UP)
        .scaleByPowerOfTen(-sf)
        .setScale(0, RoundingMode.HALF_UP)
        .intValueExact();
  }

  static String percentText(int raw, int sf) {
    return BigDecimal.valueOf(raw).scaleByPowerOfTen(sf).toPlainString();
  }
}
