package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What anchoring reads from the market and settlement records. */
public interface AnchorSource {

  /**
   * A slot of a zone.
   *
   * @param zoneCode the zone
   * @param slotInterval ISO 8601 interval, e.g. {@code 2026-11-25T10:00Z/PT15M}
   */
  record Slot(String zoneCode, String slotInterval) {}

  /**
   * An item's evidence for its proof bundle.
   *
   * @param bytes canonical bytes (as anchored)
   * @param deviceSignature the device's DER signature (readings), else null
   * @param certificate the device certificate (readings), else null
   */
  record Evidence(byte[] bytes, byte[] deviceSignature, SignedDeviceCertificate certificate) {}

  /**
   * A device certificate the platform issued, on enrolment or key rotation.
   *
   * @param issuedAt when it was issued (the device's enrolment time)
   * @param item kind enrolment, the certificate serial as reference, the signed certificate's
   *     binary form
   */
  record IssuedCertificate(Instant issuedAt, AnchorItem item) {}

  /**
   * Slots whose readings' grace window closed by {@code now} (recent ones; anchored items are
   * skipped later).
   */
  List<Slot> closedSlots(Instant now);

  /** The slot's readings, trades and statements (every version), in a deterministic order. */
  List<AnchorItem> items(Slot slot);

  /**
   * Certificates issued before {@code issuedBefore}, oldest first (by issue time, then serial); a
   * source may leave out those already anchored, anchoring skips them anyway.
   */
  List<IssuedCertificate> certificatesIssuedBefore(Instant issuedBefore);

  /** The evidence of an anchored item, if it still exists. */
  Optional<Evidence> evidence(AnchorItemKind kind, String ref);
}
