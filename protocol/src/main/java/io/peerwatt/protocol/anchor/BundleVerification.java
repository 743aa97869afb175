package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.encoding.StableCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of checking a {@link ProofBundle}: one result per step, in the order the steps run,
 * so a failure names exactly what is wrong.
 *
 * @param steps every step's outcome
 */
public record BundleVerification(List<BundleVerification.StepResult> steps) {

  /** The checks of a proof bundle; {@code code} and {@code jsonName} are stable. */
  public enum Step implements StableCode.JsonNamed {
    /** The bundle's parts decode (item, certificate, proof, transaction, BUMP, headers). */
    BUNDLE_FORMAT(1, "bundleFormat"),
    /** The device's signature over the reading (or the platform's over another item). */
    DEVICE_SIGNATURE(2, "deviceSignature"),
    /**
     * The device certificate: for a reading, platform-signed, for this device, valid when the
     * reading was taken; for an enrolment (whose item is the certificate), issued and signed by the
     * platform key.
     */
    CERTIFICATE(3, "certificate"),
    /** Salted leaf hash + Merkle path reach an anchor root. */
    LEAF_TO_ANCHOR_ROOT(4, "leafToAnchorRoot"),
    /** That root (and leaf count) is in the anchor transaction's OP_RETURN output. */
    ROOT_IN_ANCHOR_TX(5, "rootInAnchorTx"),
    /** The anchor txid, through the BUMP, reaches the block header's Merkle root. */
    TX_IN_BLOCK(6, "txInBlock"),
    /** Every bundled header meets the target its bits encode. */
    PROOF_OF_WORK(7, "proofOfWork"),
    /** The bundled headers sit at the BUMP's height in the verifier's own, sound header chain. */
    HEADER_CHAIN(8, "headerChain");

    private final StableCode stableCode;

    Step(int code, String jsonName) {
      this.stableCode = new StableCode(code, jsonName);
    }

    @Override
    public StableCode stableCode() {
      return stableCode;
    }
  }

  /** How a step ended; stable codes. */
  public enum Status implements StableCode.JsonNamed {
    PASS(0, "pass"),
    FAIL(1, "fail"),
    /** The step does not apply to this kind of item (e.g. a device certificate for a trade). */
    NOT_APPLICABLE(2, "notApplicable"),
    /**
     * The step could not run: a trust anchor was not supplied or an earlier part failed to decode.
     */
    NOT_CHECKED(3, "notChecked");

    private final StableCode stableCode;

    Status(int code, String jsonName) {
      this.stableCode = new StableCode(code, jsonName);
    }

    @Override
    public StableCode stableCode() {
      return stableCode;
    }
  }

  /**
   * One step's outcome.
   *
   * @param step the check
   * @param status how it ended
   * @param detail what was checked or what went wrong, for people
   */
  public record StepResult(Step step, Status status, String detail) {}

  public BundleVerification {
    steps = List.copyOf(steps);
  }

  /** True when no step failed and none was left unchecked. */
  public boolean verified() {
    for (StepResult r : steps) {
      if (r.status() == Status.FAIL || r.status() == Status.NOT_CHECKED) {
        return false;
      }
    }
    return true;
  }

  /** The first failed step, if any. */
  public Optional<StepResult> firstFailure() {
    return steps.stream().filter(r -> r.status() == Status.FAIL).findFirst();
  }

  /** The result of {@code step}. */
  public StepResult result(Step step) {
    return steps.stream()
        .filter(r -> r.step() == step)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("step " + step + " missing"));
  }

  /** {"verified": bool, "steps": [{"step", "code", "status", "detail"}, ...]}. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verified", verified());
    List<Object> list = new ArrayList<>();
    for (StepResult r : steps) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("step", r.step().jsonName());
      s.put("code", (long) r.step().code());
      s.put("status", r.status().jsonName());
      s.put("detail", r.detail());
      list.add(s);
    }
    m.put("steps", list);
    return m;
  }
}
