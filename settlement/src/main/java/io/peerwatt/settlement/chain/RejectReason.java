package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.encoding.StableCode;

/**
 * Why a backend refused a transaction. Codes are stable (storage and API), grouped: 1xx the
 * transaction itself, 2xx its inputs, 3xx policy, 9xx the backend.
 */
public enum RejectReason implements StableCode.Described {
  MALFORMED(101, "malformed transaction"),
  NON_FINAL(102, "transaction is not final (lock time not reached)"),
  INVALID_SCRIPT(103, "an input's script fails"),
  VALUE_OUT_OF_RANGE(104, "output value negative, too large, or above the input value"),
  MISSING_INPUTS(201, "spends an output the backend does not know"),
  DOUBLE_SPEND(202, "spends an output already spent by another transaction"),
  IMMATURE_COINBASE(203, "spends a coinbase output before it matured"),
  FEE_TOO_LOW(301, "fee below the backend's policy"),
  DUST(302, "an output is below the dust limit"),
  OTHER(999, "rejected for another reason");

  private final StableCode stableCode;

  RejectReason(int code, String description) {
    this.stableCode = new StableCode(code, description);
  }

  @Override
  public StableCode stableCode() {
    return stableCode;
  }

  public static RejectReason fromCode(int code) {
    for (RejectReason r : values()) {
      if (r.code() == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown reject reason code " + code);
  }
}
