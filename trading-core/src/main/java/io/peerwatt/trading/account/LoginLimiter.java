package io.peerwatt.trading.account;

import java.time.Duration;

/**
 * Limits login attempts per username and per client address. An attempt takes its slot before its
 * password is checked ({@link #admit}), atomically, so a burst of guesses sent at the same moment
 * cannot all be checked: once the slots of the window are taken, the rest are refused without
 * checking. A failed attempt keeps its slot for the window; a successful one gives its address slot
 * back and clears its username. Kept behind this interface so that several platform nodes can share
 * one limiter later (issue 17); {@link InMemoryLoginLimiter} serves one node.
 */
public interface LoginLimiter {

  /**
   * Takes a slot for a login by {@code username} from {@code address}, or says how long to wait.
   */
  Admission admit(String username, String address);

  /** The answer to {@link #admit}: a slot to settle, or a refusal. */
  sealed interface Admission permits Slot, Refused {}

  /** A slot taken; the caller settles it once the password is checked. */
  non-sealed interface Slot extends Admission {
    /** The password was right: the address slot is given back, the username's failures cleared. */
    void succeeded();

    /** The password (or account) was wrong: the slot stays taken for the window. */
    void failed();
  }

  /** Too many attempts in the window: try again after {@code retryAfter}. */
  record Refused(Duration retryAfter) implements Admission {}
}
