package io.peerwatt.gateway.control;

import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Decides whether the gateway may act on a signed command: pure logic over the command, the
 * platform key, the device's identity, the owner's limits, the real time and the commands seen
 * before.
 *
 * <p>Clock skew: the gateway's clock and the platform's may differ by up to {@link
 * FlexibilityConfig#clockSkew()} (30 s by default). A command issued up to that much "in the
 * future" is accepted, and one whose window ended less than that long ago still counts as current
 * (it is then over at once); the window itself is used as signed.
 */
public final class CommandCheck {

  /**
   * The outcome.
   *
   * @param refusal why not, or null when the command may be acted on
   * @param reason the refusal in words (empty when accepted)
   */
  public record Verdict(Refusal refusal, String reason) {
    static final Verdict ACCEPTED = new Verdict(null, "");

    public boolean accepted() {
      return refusal == null;
    }

    static Verdict refuse(Refusal refusal, String reason) {
      return new Verdict(refusal, reason);
    }
  }

  private final PublicKey platformKey;
  private final String deviceId;
  private final FlexibilityConfig limits;

  /**
   * @param platformKey the key that signed this gateway's device certificate
   * @param deviceId this gateway's device id (its venName)
   * @param limits the owner's limits
   */
  public CommandCheck(PublicKey platformKey, String deviceId, FlexibilityConfig limits) {
    this.platformKey = platformKey;
    this.deviceId = deviceId;
    this.limits = limits;
  }

  /**
   * Checks {@code signed}, carried by event {@code eventId}, at real time {@code now}.
   *
   * @param stateOfChargePercent the battery's charge now, or negative when unknown
   * @param seen whether a commandId was used before
   */
  public Verdict check(
      SignedFlexCommand signed,
      String eventId,
      Instant now,
      double stateOfChargePercent,
      Predicate<String> seen) {
    FlexCommand c = signed.command();
    if (!signed.verify(platformKey)) {
      return Verdict.refuse(
          Refusal.BAD_SIGNATURE,
          "command " + c.commandId() + " is not signed by the platform key " + platformKey.hex());
    }
    if (!c.deviceId().equals(deviceId)) {
      return Verdict.refuse(
          Refusal.OTHER_DEVICE,
          "command " + c.commandId() + " is for device " + c.deviceId() + ", not " + deviceId);
    }
    if (!c.eventId().equals(eventId)) {
      return Verdict.refuse(
          Refusal.OTHER_EVENT,
          "command " + c.commandId() + " names event " + c.eventId() + " but came in " + eventId);
    }
    if (c.issuedAt().isAfter(now.plus(limits.clockSkew()))) {
      return Verdict.refuse(
          Refusal.ISSUED_IN_THE_FUTURE,
          "command " + c.commandId() + " is issued at " + c.issuedAt() + ", after now " + now);
    }
    if (!c.validUntil().plus(limits.clockSkew()).isAfter(now)) {
      return Verdict.refuse(
          Refusal.EXPIRED, "command " + c.commandId() + " ended at " + c.validUntil());
    }
    if (seen.test(c.commandId())) {
      return Verdict.refuse(Refusal.REPLAYED, "command " + c.commandId() + " was already used");
    }
    if (c.watts() > limits.maxPowerWatts()) {
      return Verdict.refuse(
          Refusal.OVER_MAX_POWER,
          "command "
              + c.commandId()
              + " asks "
              + c.watts()
              + " W, the owner allows at most "
              + limits.maxPowerWatts()
              + " W");
    }
    if (!limits.allowedHours().covers(c.validFrom(), c.validUntil(), limits.timeZone())) {
      return Verdict.refuse(
          Refusal.OUTSIDE_ALLOWED_HOURS,
          "command "
              + c.commandId()
              + " runs "
              + c.validFrom()
              + ".."
              + c.validUntil()
              + ", outside the owner's hours "
              + limits.allowedHours()
              + " "
              + limits.timeZone());
    }
    boolean discharges =
        c.action() == FlexAction.REDUCE_IMPORT && limits.kind() == FlexibilityConfig.Kind.BATTERY;
    if (discharges && stateOfChargePercent < 0 && limits.minStateOfChargePercent() > 0) {
      return Verdict.refuse(
          Refusal.BELOW_MIN_STATE_OF_CHARGE,
          "command " + c.commandId() + " discharges, but the battery's charge is unknown");
    }
    if (discharges
        && stateOfChargePercent >= 0
        && stateOfChargePercent <= limits.minStateOfChargePercent()) {
      return Verdict.refuse(
          Refusal.BELOW_MIN_STATE_OF_CHARGE,
          "command "
              + c.commandId()
              + " discharges, but the battery holds "
              + stateOfChargePercent
              + " %, the owner's minimum is "
              + limits.minStateOfChargePercent()
              + " %");
    }
    if (c.action() == FlexAction.REDUCE_IMPORT
        && limits.kind() == FlexibilityConfig.Kind.INVERTER) {
      return Verdict.refuse(
          Refusal.DEVICE_CANNOT,
          "command " + c.commandId() + " reduces import, which an inverter alone cannot");
    }
    return Verdict.ACCEPTED;
  }
}
