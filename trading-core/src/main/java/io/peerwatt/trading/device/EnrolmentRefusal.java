package io.peerwatt.trading.device;

/** An enrolment refused, changing nothing: its {@link Reason} and a message for people. */
public final class EnrolmentRefusal extends RuntimeException {
  /** Why an enrolment was refused; the name is the API's error code. */
  public enum Reason {
    /** The enrolment is not signed by the key it enrols. */
    BAD_SIGNATURE,
    /** The code is unknown, used or expired (one answer for all three). */
    INVALID_ENROLMENT_CODE,
    /** The key is enrolled already. */
    DEVICE_KEY_IN_USE
  }

  private final Reason reason;

  EnrolmentRefusal(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
