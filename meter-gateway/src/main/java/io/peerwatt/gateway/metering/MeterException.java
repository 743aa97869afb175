package io.peerwatt.gateway.metering;

/** A meter read that failed, with the reason as a {@link MeterFault}. */
public final class MeterException extends Exception {
  private final MeterFault fault;
  private final int exceptionCode;

  MeterException(MeterFault fault, String message) {
    this(fault, 0, message, null);
  }

  MeterException(MeterFault fault, int exceptionCode, String message, Throwable cause) {
    super(message, cause);
    this.fault = fault;
    this.exceptionCode = exceptionCode;
  }

  public MeterFault fault() {
    return fault;
  }

  /** The Modbus exception code for {@link MeterFault#EXCEPTION_RESPONSE}, else 0. */
  public int exceptionCode() {
    return exceptionCode;
  }
}
