package io.peerwatt.gateway.metering;

/** Why a meter read failed; codes are stable (they appear in logs, events and status files). */
public enum MeterFault {
  /** No answer within the timeout, after the configured retries. */
  TIMEOUT(1),
  /** The meter answered with a Modbus exception code (illegal address, device busy, ...). */
  EXCEPTION_RESPONSE(2),
  /** The connection could not be opened or broke. */
  CONNECTION(3),
  /** A value was not a usable number: NaN, infinity, "not implemented", or negative energy. */
  INVALID_VALUE(4),
  /** No supported register map answered (auto detection), or the map did not fit the meter. */
  UNKNOWN_METER(5);

  private final int code;

  MeterFault(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
