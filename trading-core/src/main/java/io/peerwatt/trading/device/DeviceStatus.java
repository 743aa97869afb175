package io.peerwatt.trading.device;

/** A device's status as stored ({@code ck_device_status}). */
public enum DeviceStatus {
  /** Enrolled and trusted for new readings and requests. */
  ACTIVE("active"),
  /** Revoked by its owner or an operator. */
  REVOKED("revoked"),
  /** Superseded by a newer device of its metering point (key rotation). */
  ROTATED("rotated");

  private final String code;

  DeviceStatus(String code) {
    this.code = code;
  }

  /** The stored and answered form. */
  public String code() {
    return code;
  }
}
