package io.peerwatt.gateway.control;

/** Why the gateway did not act on a command; each is logged, reported and shown in the status. */
public enum Refusal {
  /** The command is not signed by the platform key the device certificate names. */
  BAD_SIGNATURE,
  /** The command is for another device. */
  OTHER_DEVICE,
  /** The command arrived in an event other than the one it names. */
  OTHER_EVENT,
  /** Issued later than now (beyond the allowed clock skew): the clocks disagree or it is forged. */
  ISSUED_IN_THE_FUTURE,
  /** Its window is over. */
  EXPIRED,
  /** Its commandId was used before (kept across restarts). */
  REPLAYED,
  /** More watts than the owner allows. */
  OVER_MAX_POWER,
  /** Its window is not inside the owner's allowed hours. */
  OUTSIDE_ALLOWED_HOURS,
  /** Discharging would go below the owner's minimum state of charge (or the charge is unknown). */
  BELOW_MIN_STATE_OF_CHARGE,
  /** The device cannot do what the command asks. */
  DEVICE_CANNOT,
  /** The device refused the setpoint or did not show it when read back. */
  DEVICE_REFUSED,
  /** The event's payload is not a readable signed command. */
  MALFORMED
}
