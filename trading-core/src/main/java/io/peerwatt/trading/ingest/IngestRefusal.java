package io.peerwatt.trading.ingest;

/**
 * Ingestion refused a whole upload batch or chain restart and stored nothing: its {@link Reason}
 * and a message for people. Refusals of single readings are not exceptions but {@link
 * IngestReason}s in the batch's results.
 */
public final class IngestRefusal extends RuntimeException {
  /** Why a whole batch was refused; the name is the API's error code. */
  public enum Reason {
    /** sentAt lies outside the nonce window before, or the clock skew after, the platform clock. */
    STALE_BATCH,
    /** The batch signature does not verify with its device key. */
    BAD_BATCH_SIGNATURE,
    /** No device is enrolled with the batch's key. */
    UNKNOWN_DEVICE,
    /** The batch's device was revoked or rotated. */
    DEVICE_NOT_ACTIVE,
    /** The batch nonce was used before. */
    REPLAYED_BATCH,
    /** A chain restart's restartedAt lies outside the window the batches' sentAt must be in. */
    STALE_RESTART,
    /** A chain restart's signature does not verify with its device key. */
    BAD_RESTART_SIGNATURE,
    /**
     * A chain restart names a position the platform's chain does not stand at (it moved on, or the
     * restart was made for another state): fetch the position again and sign a new restart.
     */
    CHAIN_MOVED
  }

  private final Reason reason;

  IngestRefusal(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
